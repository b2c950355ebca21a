import { fromStripeReference } from '../core/stripe-ref';
import { concatBytes } from './bytes';
import type { Conversion } from './conversion';
import { fromMinorUnits } from './currency';
import { ClickTrailError, StripeSignatureError } from './errors';

/** How old a signature may be, in seconds, when no tolerance is given (Stripe's own default). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The parts of a Stripe event clicktrail reads; the parsed JSON has everything Stripe sent. */
export interface StripeEvent {
  id: string;
  type: string;
  created?: number;
  livemode?: boolean;
  data: { object: Record<string, unknown> };
  [key: string]: unknown;
}

/** Options of verifyStripeEvent. */
export interface VerifyOptions {
  /** Oldest accepted signature timestamp, in seconds; 0 turns the check off (as in stripe-node). Default 300. */
  toleranceSeconds?: number;
  /** The current time, epoch milliseconds (or a Date). Default Date.now(). */
  now?: number | Date;
  /** Use Web Crypto even where node:crypto is available (it always is the fallback). Default false. */
  webCrypto?: boolean;
}

type Body = string | Uint8Array;
type Hmac = (secret: string, prefix: string, body: Body) => Uint8Array | Promise<Uint8Array>;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

const webHmac: Hmac = async (secret, prefix, body) => {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size > 16) keys.clear();
    key = globalThis.crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    keys.set(secret, key);
  }
  const data = concatBytes([encoder.encode(prefix), typeof body === 'string' ? encoder.encode(body) : body]);
  return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', await key, data));
};

interface NodeCrypto {
  createHmac(
    alg: string,
    key: string,
  ): { update(data: Body): { update(data: Body): { digest(): Uint8Array } } };
}
let nodeHmac: Hmac | null | undefined;
// Web Crypto's sign() is a promise with a thread-pool hop per call; on Node (and Bun, Deno, workerd with nodejs_compat)
// the synchronous HMAC is several times faster. Looked up lazily, never imported: edge bundles stay free of node:.
const fastHmac = (): Hmac | null => {
  if (nodeHmac !== undefined) return nodeHmac;
  nodeHmac = null;
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const c = proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
    if (c?.createHmac)
      nodeHmac = (secret, prefix, body) =>
        c.createHmac('sha256', secret).update(prefix).update(body).digest();
  } catch {
    // Not Node: Web Crypto it is.
  }
  return nodeHmac;
};

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const toHex = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += HEX[b];
  return s;
};

// Constant time in the length of what is compared: how much of a forged signature is right never shows in timing.
const sameHex = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
};

const RAW_BODY_HELP =
  'Pass the raw request body, exactly as received: `await request.text()` in a Fetch handler (Next.js route handler, ' +
  'Workers, Hono: `await c.req.text()`), `express.raw({ type: "application/json" })` in Express. ' +
  'A body parsed as JSON and serialised again no longer matches the signature.';

const toBody = (rawBody: unknown): Body => {
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) {
    if (rawBody.length) return rawBody;
    throw new StripeSignatureError(
      'raw_body',
      `The Stripe webhook body is empty: was it already read by a body parser? ${RAW_BODY_HELP}`,
    );
  }
  if (rawBody instanceof ArrayBuffer) return toBody(new Uint8Array(rawBody));
  throw new StripeSignatureError(
    'raw_body',
    `The Stripe webhook body must be a string or bytes, but got ${rawBody === null ? 'null' : typeof rawBody}: ` +
      `it was probably parsed as JSON already. ${RAW_BODY_HELP}`,
  );
};

const parseHeader = (header: string | null | undefined): { t: number; v1: string[] } => {
  if (!header)
    throw new StripeSignatureError(
      'header_missing',
      'No Stripe-Signature header: the request did not come from Stripe, or a proxy dropped the header. ' +
        "Pass request.headers.get('stripe-signature').",
    );
  let t: string | undefined;
  const v1: string[] = [];
  // Split like stripe-node (on ',' then '='), so both accept and refuse the same headers.
  for (const item of header.split(',')) {
    const [k, v] = item.split('=');
    if (k === 't') t = v;
    else if (k === 'v1' && v !== undefined) v1.push(v);
  }
  if (t === undefined || !/^\d+$/.test(t))
    throw new StripeSignatureError(
      'header_malformed',
      'Malformed Stripe-Signature header: no timestamp. Expected `t=<unix time>,v1=<hex signature>[,v1=…]`.',
    );
  if (!v1.length)
    throw new StripeSignatureError(
      'header_malformed',
      'Malformed Stripe-Signature header: no v1 signature (the only scheme Stripe signs with). ' +
        'Expected `t=<unix time>,v1=<hex signature>[,v1=…]`.',
    );
  return { t: Number(t), v1 };
};

/**
 * Verifies a Stripe webhook as Stripe specifies (HMAC-SHA256 of `${t}.${rawBody}` keyed by the whole `whsec_…`
 * secret; any v1 may match, which is how secret rotation works; constant-time compare) and returns the parsed event.
 * Throws StripeSignatureError (answer 400) whose message says what to fix.
 */
export const verifyStripeEvent = async (
  rawBody: string | Uint8Array | ArrayBuffer,
  signatureHeader: string | null | undefined,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): Promise<StripeEvent> => {
  const body = toBody(rawBody);
  const { t, v1 } = parseHeader(signatureHeader);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (!secrets.length || secrets.some((s) => typeof s !== 'string' || !s.trim()))
    throw new ClickTrailError(
      'stripe_secret',
      "No Stripe webhook secret: pass the endpoint's signing secret (whsec_…, from the dashboard or `stripe listen`).",
    );
  const hmac = (!options.webCrypto && fastHmac()) || webHmac;
  let match = false;
  for (const s of secrets) {
    const expected = toHex(await hmac(s, `${t}.`, body));
    for (const sig of v1) match = sameHex(expected, sig) || match;
  }
  if (!match) {
    const space = secrets.some((s) => /\s/.test(s))
      ? ' The secret contains whitespace: a stray newline or space?'
      : '';
    throw new StripeSignatureError(
      'no_match',
      'No signature in the Stripe-Signature header matches this body and secret. Usual causes: the body is not the ' +
        `raw body, or the secret is not this endpoint's signing secret (whsec_…; \`stripe listen\` prints its own). ${RAW_BODY_HELP}${space}`,
    );
  }
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowMs = options.now === undefined ? Date.now() : +options.now;
  const age = Math.floor(nowMs / 1000) - t;
  if (tolerance > 0 && age > tolerance)
    throw new StripeSignatureError(
      'timestamp',
      `The Stripe-Signature timestamp is ${age} s old, over the ${tolerance} s tolerance: a replayed or long-delayed ` +
        'event. If every event fails this way, check the server clock.',
    );
  try {
    return JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)) as StripeEvent;
  } catch {
    throw new ClickTrailError('stripe_payload', 'The Stripe webhook body is signed but is not JSON.');
  }
};

/** Options of conversionFromStripe. */
export interface StripeConversionOptions {
  /** Metadata key holding the click id when client_reference_id does not (and on charges). Default `'click_id'`. */
  metadataKey?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : {};

const metadataParams = (metadata: unknown, skip: string): Record<string, string> => {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(metadata))) if (k !== skip && typeof v === 'string') params[k] = v;
  return params;
};

/**
 * The Conversion a Stripe event stands for, or null: checkout.session.completed (paid, or no payment required: a
 * lead) and checkout.session.async_payment_succeeded use client_reference_id (as the browser side encoded it);
 * charge.succeeded uses metadata. Null for any other event, an unpaid session, or no click id.
 */
export const conversionFromStripe = (
  event: StripeEvent,
  options: StripeConversionOptions = {},
): Conversion | null => {
  const key = options.metadataKey ?? 'click_id';
  const o = obj(event?.data?.object);
  const metadata = obj(o.metadata);
  let clickId: string | undefined;
  let transactionId: string | undefined;
  let minor: unknown;
  let email: string | undefined;
  if (
    (event.type === 'checkout.session.completed' &&
      (o.payment_status === 'paid' || o.payment_status === 'no_payment_required')) ||
    event.type === 'checkout.session.async_payment_succeeded'
  ) {
    const ref = str(o.client_reference_id);
    clickId = ref ? fromStripeReference(ref) : str(metadata[key]);
    transactionId = str(o.id);
    minor = o.amount_total;
    email = str(obj(o.customer_details).email) ?? str(o.customer_email);
  } else if (event.type === 'charge.succeeded') {
    // A charge has no client_reference_id: the click id must have been put in its (or its PaymentIntent's) metadata.
    clickId = str(metadata[key]);
    transactionId = str(o.payment_intent) ?? str(o.id);
    minor = o.amount;
    email = str(obj(o.billing_details).email) ?? str(o.receipt_email);
  } else return null;
  const currency = str(o.currency);
  if (!clickId || !transactionId || !currency || typeof minor !== 'number') return null;
  return {
    clickId,
    transactionId,
    amount: fromMinorUnits(minor, currency),
    currency: currency.toUpperCase(),
    status: 'approved',
    ...(email ? { email } : {}),
    ...(typeof event.created === 'number' ? { timestamp: event.created } : {}),
    // Metadata the merchant set on the session or charge lets the offers/affiliate rule filters match webhooks.
    ...(str(metadata.offer_id) ? { offerId: str(metadata.offer_id) } : {}),
    ...(str(metadata.affiliate_id) ? { affiliateId: str(metadata.affiliate_id) } : {}),
    kept: metadataParams(o.metadata, key),
  };
};
