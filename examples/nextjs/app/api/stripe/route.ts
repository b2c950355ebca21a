import { createDispatcher, stripeWebhookHandler } from 'clicktrail/server';

// Module scope: created once per server instance, not per request (the handler remembers the events it handled).
const dispatch = createDispatcher({
  rules: [
    {
      id: 'network',
      url: 'https://tracker.example/postback?clickid={click_id}&amount={amount}&currency={currency}&tx={transaction_id}',
    },
  ],
  throwOnFailure: true, // a postback that fails answers 500, so Stripe redelivers the event later
});

export const POST = stripeWebhookHandler({
  // The endpoint's signing secret (whsec_…). Unset, every event is answered 500 and Stripe keeps retrying.
  secret: process.env.STRIPE_WEBHOOK_SECRET ?? '',
  onConversion: (conversion) => dispatch(conversion),
});
