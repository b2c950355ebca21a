import { createDispatcher } from 'clicktrail/server';
import { clickIdMiddleware, nodeWebhookHandler } from 'clicktrail/server/node';
import express from 'express';

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

const app = express();
// Before express.json(): Stripe signs the raw bytes, and the adapter reads them itself.
app.post('/api/stripe', nodeWebhookHandler({ secret, onConversion: (conversion) => dispatch(conversion) }));
// Landing requests with ?click_id= get long-lived first-party cookies (Safari caps JavaScript's at 7 days).
app.use(clickIdMiddleware({ idParams: ['click_id', 'affS1'], keep: ['affid'] }));
app.use(express.json());

export default app;
