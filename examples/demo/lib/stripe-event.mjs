// What Stripe would send after a Checkout payment, built and signed locally (nothing goes to Stripe).
import { createHmac, randomBytes } from 'node:crypto';

const id = (prefix) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

/**
 * The `client_reference_id` the browser side hands Stripe for a click id: the id itself when Stripe accepts it,
 * else `ct64_` + base64url(UTF-8) (the same rule as clicktrail's toStripeReference), or null when too long.
 */
export const stripeReference = (clickId) => {
  const safe = /^[A-Za-z0-9_-]{1,200}$/;
  if (safe.test(clickId) && !clickId.startsWith('ct64_')) return clickId;
  const ref = `ct64_${Buffer.from(clickId, 'utf8').toString('base64url')}`;
  return safe.test(ref) ? ref : null;
};

/** A `checkout.session.completed` event as Stripe's API version 2024-06-20 shapes it, for a paid session. */
export const checkoutCompleted = ({
  clientReferenceId,
  amountTotal,
  currency,
  email,
  metadata = {},
  now = Date.now(),
}) => {
  const created = Math.floor(now / 1000);
  return {
    id: id('evt'),
    object: 'event',
    api_version: '2024-06-20',
    created,
    data: {
      object: {
        id: id('cs'),
        object: 'checkout.session',
        amount_subtotal: amountTotal,
        amount_total: amountTotal,
        client_reference_id: clientReferenceId,
        created,
        currency,
        customer: null,
        customer_details: { email, name: 'Demo Customer', phone: null, tax_exempt: 'none' },
        customer_email: email,
        livemode: false,
        metadata,
        mode: 'payment',
        payment_intent: id('pi'),
        payment_link: 'plink_demo',
        payment_status: 'paid',
        status: 'complete',
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'checkout.session.completed',
  };
};

/**
 * The `Stripe-Signature` header for a raw body, exactly as Stripe computes it:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 keyed by the whole whsec_ secret over "t.body">`.
 */
export const signatureHeader = (rawBody, secret, timestamp = Math.floor(Date.now() / 1000)) => {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
};
