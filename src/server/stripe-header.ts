import { StripeSignatureError } from './errors';

/** A Stripe-Signature header, read: the timestamp as stripe-node reads it and the v1 signatures. */
export interface SignatureHeader {
  /** `parseInt(t, 10)`, as stripe-node: `t=+17…` and `t=017…` are 17…; anything else unreadable is NaN. */
  timestamp: number;
  /** Every `v1=` value, in order. */
  signatures: string[];
}

/** Length of a v1 signature: HMAC-SHA256 in hex. */
const SIGNATURE_LENGTH = 64;

const FORMAT = 'Expected `t=<unix time>,v1=<hex signature>[,v1=…]`.';

/**
 * Reads a Stripe-Signature header exactly as stripe-node does (split on `,` then `=`, the last `t` wins, every `v1`
 * counts), so that both accept and refuse the same headers; tested side by side with the `stripe` package over
 * generated headers. Throws StripeSignatureError `header_missing` or `header_malformed`.
 *
 * The signed content is `${timestamp}.${body}` with the timestamp as parsed (a number), as in stripe-node: a header
 * whose `t` is not a number can only verify if the secret's holder signed `NaN.…`, which Stripe never does.
 */
export const parseSignatureHeader = (header: unknown): SignatureHeader => {
  if (header === undefined || header === null || header === '')
    throw new StripeSignatureError(
      'header_missing',
      'No Stripe-Signature header: the request did not come from Stripe, or a proxy dropped the header. ' +
        "Pass request.headers.get('stripe-signature').",
    );
  if (typeof header !== 'string')
    throw new StripeSignatureError(
      'header_malformed',
      `The Stripe-Signature header must be a string, got ${Array.isArray(header) ? 'an array' : typeof header}. ${FORMAT}`,
    );
  // stripe-node's sentinel for "no t": a literal t=-1 counts as missing there too.
  let timestamp = -1;
  const signatures: (string | undefined)[] = [];
  for (const item of header.split(',')) {
    const kv = item.split('=');
    if (kv[0] === 't') timestamp = Number.parseInt(kv[1] as string, 10);
    if (kv[0] === 'v1') signatures.push(kv[1]);
  }
  if (timestamp === -1)
    throw new StripeSignatureError(
      'header_malformed',
      `Malformed Stripe-Signature header: no timestamp. ${FORMAT}`,
    );
  if (!signatures.length)
    throw new StripeSignatureError(
      'header_malformed',
      `Malformed Stripe-Signature header: no v1 signature (the only scheme Stripe signs with). ${FORMAT}`,
    );
  // stripe-node's compare throws, refusing the whole header even if another v1 matches, on an empty signature and on
  // one as long as a SHA-256 hex digest but with non-ASCII characters (their UTF-8 lengths differ).
  if (signatures.some((s) => !s || (s.length === SIGNATURE_LENGTH && /[^\0-\x7f]/.test(s))))
    throw new StripeSignatureError(
      'header_malformed',
      `Malformed Stripe-Signature header: an empty or non-hex v1 signature. ${FORMAT}`,
    );
  return { timestamp, signatures: signatures as string[] };
};
