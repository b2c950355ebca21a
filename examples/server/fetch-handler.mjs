// A Fetch handler (Cloudflare Workers, Bun, Deno, Next.js route handlers all speak (Request) => Response):
// server-side capture on landing pages, and the Stripe webhook that turns payments into postbacks.
// Run on Node after `npm run build`:  STRIPE_WEBHOOK_SECRET=whsec_… node examples/server/fetch-handler.mjs
import { clickIdCookie, createDispatcher, readClickId, stripeWebhookHandler } from 'clicktrail/server';

const dispatch = createDispatcher({
  rules: [
    // Template style (Trackdesk, Track360, AnyTrack, …): any placeholder dialect works.
    {
      id: 'network',
      url: 'https://tracker.example/postback?clickid={click_id}&amount={payout}&txid={transaction_id}&source=shop',
      events: ['sale'],
    },
    // Base + params style (Tracknow): every value URL-encoded, missing required ones skip the postback.
    {
      id: 'tracknow',
      base: 'https://ns-tracking.example/postback',
      params: {
        click_id: '{click_id}',
        campaign_id: '1',
        order_id: '{transaction_id}',
        amount: '{amount}',
        email: '{email}',
      },
      required: ['click_id', 'campaign_id', 'amount'],
    },
  ],
  // Any failure makes the webhook answer 500, so Stripe redelivers; delivered postbacks are not sent again.
  throwOnFailure: true,
  log: (entry) => console.log('postback', entry.rule, entry.outcome, entry.status ?? '', entry.url),
});

const webhook = stripeWebhookHandler({
  secret: globalThis.process?.env?.STRIPE_WEBHOOK_SECRET ?? 'whsec_replace_me',
  onConversion: (conversion) => dispatch(conversion),
});

/** The whole app: POST /api/stripe is the webhook; any page with ?click_id= gets the long-lived cookies. */
const app = {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/api/stripe') return webhook(request);
    const headers = new Headers({ 'content-type': 'text/html; charset=utf-8' });
    for (const cookie of clickIdCookie(request.url, { keep: ['affid', 'sub1'] }))
      headers.append('set-cookie', cookie);
    const id = readClickId(request.headers.get('cookie'));
    return new Response(`<p>click id on this request: ${id ? 'present' : 'none'}</p>`, { headers });
  },
};
export default app;

// Run directly on Node: serve it through the adapter (which reads the raw body itself).
if (globalThis.process?.argv?.[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const { createServer } = await import('node:http');
  const { toNodeHandler } = await import('clicktrail/server/node');
  createServer(toNodeHandler(app.fetch)).listen(8787, '127.0.0.1', () =>
    console.log('http://127.0.0.1:8787/?click_id=demo-123'),
  );
}
