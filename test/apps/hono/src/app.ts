import { clickIdCookie, createDispatcher, stripeWebhookHandler } from 'clicktrail/server';
import { Hono } from 'hono';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) throw new Error('Set STRIPE_WEBHOOK_SECRET to the endpoint signing secret (whsec_…)');

const dispatch = createDispatcher({
  rules: [
    {
      id: 'network',
      url: 'https://tracker.example/postback?clickid={click_id}&amount={amount}&currency={currency}&tx={transaction_id}',
    },
  ],
  throwOnFailure: true, // a postback that fails answers 500, so Stripe redelivers the event later
});
// Created once, not per request: it remembers the events it handled.
const webhook = stripeWebhookHandler({ secret, onConversion: (conversion) => dispatch(conversion) });

const app = new Hono();
// Landing requests with ?click_id= get long-lived first-party cookies (Safari caps JavaScript's at 7 days).
app.use(async (c, next) => {
  await next();
  for (const cookie of clickIdCookie(c.req.url, { idParams: ['click_id', 'affS1'], keep: ['affid'] }))
    c.header('set-cookie', cookie, { append: true });
});
// The handler reads the raw body from the untouched Request: do not read c.req.json() first.
app.post('/api/stripe', (c) => webhook(c.req.raw));

export default app;
