// Serverless (Next.js route handlers, Vercel, Netlify, Lambda): no process lives on to run a worker loop, and a
// function's disk does not last, so the outbox is PostgreSQL. The webhook commits the postbacks and answers; a cron
// route delivers what is due, once a minute, within the function's time budget.
import { createDispatcher, createWorker, stripeWebhookHandler } from 'clicktrail/server';
import { postgresOutbox } from 'clicktrail/server/postgres';

const env = process.env;
const rules = [
  {
    id: 'trackdesk',
    url: `${env.TRACKER_URL ?? 'https://tracker.example'}/postback?clickid={click_id}&amount={payout}&txid={transaction_id}`,
  },
];
const outbox = postgresOutbox({ connectionString: env.DATABASE_URL ?? 'postgres://localhost/shop' });
const worker = createWorker({ outbox, rules });

// app/api/stripe/route.js: Stripe's webhook. 200 once the postbacks are committed.
export const POST = stripeWebhookHandler({
  secret: env.STRIPE_WEBHOOK_SECRET ?? 'whsec_replace_me',
  onConversion: createDispatcher({ rules, outbox }),
});

// app/api/postbacks/route.js: called by a cron job every minute (Vercel: "crons" in vercel.json, which sends
// `Authorization: Bearer $CRON_SECRET`). Stops claiming after 20 s, within a 30 s function limit.
export const GET = async (request) => {
  if (!env.CRON_SECRET || request.headers.get('authorization') !== `Bearer ${env.CRON_SECRET}`)
    return new Response(null, { status: 401 });
  return Response.json(await worker.deliverDue({ maxDurationMs: 20_000 }));
};
