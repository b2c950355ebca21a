import { createDispatcher, stripeWebhookHandler } from 'clicktrail/server';

interface Env {
  STRIPE_WEBHOOK_SECRET: string;
}

let webhook: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    // Once per isolate (env arrives with the first request), not per request: the handler remembers the events it
    // handled. Isolates share nothing: pass a shared `dedupe` store to dedupe across them.
    webhook ??= stripeWebhookHandler({
      secret: env.STRIPE_WEBHOOK_SECRET,
      onConversion: createDispatcher({
        rules: [
          {
            id: 'network',
            url: 'https://tracker.example/postback?clickid={click_id}&amount={amount}&currency={currency}&tx={transaction_id}',
          },
        ],
        throwOnFailure: true, // a postback that fails answers 500, so Stripe redelivers the event later
      }),
    });
    return webhook(request);
  },
};
