// A long-running Node server with a durable postback outbox: the Stripe webhook commits the postbacks and answers,
// a worker delivers them (retrying for about a day), and the postbacks report sits behind the app's own auth.
// SQLite by default; set DATABASE_URL=postgres://… to share one outbox between several instances.
// Run after `npm run build`:  STRIPE_WEBHOOK_SECRET=whsec_… ADMIN_PASSWORD=… node examples/server/outbox.mjs
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createDispatcher, createWorker, postbackReport, stripeWebhookHandler } from 'clicktrail/server';
import { toNodeHandler } from 'clicktrail/server/node';
import { postgresOutbox } from 'clicktrail/server/postgres';
import { sqliteOutbox } from 'clicktrail/server/sqlite';

const env = process.env;
const tracker = env.TRACKER_URL ?? 'https://tracker.example';
const rules = [
  // The token stays here, in your code: the outbox stores the conversion and the rule id, never the real URL.
  {
    id: 'trackdesk',
    url: `${tracker}/postback?clickid={click_id}&amount={payout}&txid={transaction_id}&token=s3cret`,
  },
  {
    id: 'tracknow',
    base: `${tracker}/tracknow`,
    params: { click_id: '{click_id}', campaign_id: '1', amount: '{amount}' },
    required: ['click_id', 'amount'],
  },
];

const outbox = env.DATABASE_URL?.startsWith('postgres')
  ? postgresOutbox({ connectionString: env.DATABASE_URL }) // several instances, one outbox
  : sqliteOutbox({ path: env.OUTBOX_DB ?? 'postbacks.db' }); // one machine, a file
await outbox.open(); // fail fast at startup: driver, file or connection, schema

const webhook = stripeWebhookHandler({
  secret: env.STRIPE_WEBHOOK_SECRET ?? 'whsec_replace_me',
  // 200 once the postbacks are committed; a redelivery adds nothing. Sending is the worker's job.
  onConversion: createDispatcher({ rules, outbox }),
});
const report = postbackReport(outbox, { title: 'Postbacks' });
const worker = createWorker({ outbox, rules, onError: (error) => console.error('postbacks:', error) });
worker.start();

// Your own auth in front of the report: here HTTP Basic with one password (any user name). Compared as hashes in
// constant time, so how long the check takes says nothing about the password.
const sha256 = (text) => createHash('sha256').update(text).digest();
const isAdmin = (req) => {
  const [scheme, encoded = ''] = (req.headers.authorization ?? '').split(' ');
  if (scheme !== 'Basic' || !env.ADMIN_PASSWORD) return false;
  const credentials = Buffer.from(encoded, 'base64').toString();
  const password = credentials.slice(credentials.indexOf(':') + 1); // the password may hold ':' itself
  return timingSafeEqual(sha256(password), sha256(env.ADMIN_PASSWORD));
};
const onWebhook = toNodeHandler(webhook);
const onReport = toNodeHandler(report);
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path === '/api/stripe') return onWebhook(req, res);
  if (path === '/admin/postbacks') {
    if (isAdmin(req)) return onReport(req, res);
    res.writeHead(401, { 'www-authenticate': 'Basic realm="admin"' });
    return res.end();
  }
  res.writeHead(404);
  res.end();
});
server.listen(Number(env.PORT ?? 3000), '127.0.0.1', () =>
  console.log(`listening on ${server.address().port}`),
);

// A deploy stops the process with SIGTERM: stop taking requests, let in-flight postbacks finish, close the outbox.
process.once('SIGTERM', async () => {
  server.close();
  await worker.stop();
  await outbox.close();
  process.exit(0);
});
