import { isValidClickId } from './click';

// Stripe silently drops a client_reference_id outside this set (the webhook then says null).
const STRIPE_SAFE = /^[A-Za-z0-9_-]{1,200}$/;

/** Marks an id that was base64url-encoded to fit Stripe's character set. */
export const STRIPE_PREFIX = 'ct64_';

/** True when Stripe accepts the value as a client_reference_id unchanged. */
export const isStripeSafe = (value: string): boolean => STRIPE_SAFE.test(value);

/**
 * The client_reference_id to hand Stripe for a click id: the id itself when Stripe accepts it,
 * else `ct64_` + base64url(UTF-8), or undefined when even that would exceed Stripe's 200 characters
 * (or the id is not well-formed UTF-16: a lone surrogate has no UTF-8 form to encode).
 */
export const toStripeReference = (id: string): string | undefined => {
  try {
    // unescape(encodeURIComponent(s)) is the UTF-8 bytes as a binary string: far shorter than a TextEncoder loop.
    const ref =
      isStripeSafe(id) && !id.startsWith(STRIPE_PREFIX)
        ? id
        : STRIPE_PREFIX +
          btoa(unescape(encodeURIComponent(id))).replace(/[+/=]/g, (c) => '-_'['+/'.indexOf(c)] || '');
    if (isStripeSafe(ref)) return ref;
  } catch {}
};

/**
 * Undoes toStripeReference: the click id a client_reference_id stands for. A `ct64_` reference that does not decode
 * to a valid click id comes back unchanged.
 */
export const fromStripeReference = (ref: string): string => {
  if (!ref.startsWith(STRIPE_PREFIX)) return ref;
  try {
    const b64 = ref.slice(STRIPE_PREFIX.length).replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const id = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Only valid click ids Stripe would reject (or that start with the prefix) are ever encoded: anything else
    // (CR/LF, control characters) was not made by toStripeReference.
    return isValidClickId(id) && (!isStripeSafe(id) || id.startsWith(STRIPE_PREFIX)) ? id : ref;
  } catch {
    return ref;
  }
};
