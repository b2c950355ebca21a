// "Simulate purchase": what Stripe does after a paid Checkout, done locally for the visitor's click id.
import { checkoutCompleted, signatureHeader, stripeReference } from './stripe-event.mjs';

/** What a simulated purchase costs unless the request says otherwise: $49.00, in Stripe's minor units. */
export const DEFAULT_PURCHASE = { amountTotal: 4900, currency: 'usd', email: 'jane.doe+demo@example.com' };

/** The purchase fields a request body may set; anything else (or a body that is not JSON) is ignored. */
export const purchaseFrom = (body) => {
  let input = {};
  try {
    input = body ? JSON.parse(body) : {};
  } catch {
    input = {};
  }
  const amountTotal =
    Number.isSafeInteger(input.amount_total) && input.amount_total >= 0 ? input.amount_total : undefined;
  const currency =
    typeof input.currency === 'string' && /^[a-z]{3}$/i.test(input.currency)
      ? input.currency.toLowerCase()
      : undefined;
  const email = typeof input.email === 'string' && input.email.length <= 200 ? input.email : undefined;
  return {
    amountTotal: amountTotal ?? DEFAULT_PURCHASE.amountTotal,
    currency: currency ?? DEFAULT_PURCHASE.currency,
    email: email ?? DEFAULT_PURCHASE.email,
  };
};

/**
 * Builds a `checkout.session.completed` event for the click id (the kept entry params go in the session's metadata,
 * as a merchant's server would put them when creating the session), signs it with the webhook secret exactly as Stripe
 * does, and POSTs it over HTTP to the webhook endpoint. Resolves with the event and the endpoint's answer.
 */
export const simulatePurchase = async ({ clickId, metadata = {}, purchase, webhookUrl, secret }) => {
  const event = checkoutCompleted({ clientReferenceId: stripeReference(clickId), metadata, ...purchase });
  // Stripe sends pretty-printed JSON; signing these exact bytes is what makes "pass the raw body" matter.
  const rawBody = JSON.stringify(event, null, 2);
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': signatureHeader(rawBody, secret),
    },
    body: rawBody,
  });
  return { event, webhook: { status: response.status, body: await response.text() } };
};
