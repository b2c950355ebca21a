import { isValidClickId } from '../core/click';
import { fromStripeReference, STRIPE_PREFIX } from '../core/stripe-ref';
import { concatBytes } from './bytes';
import { invalidOption } from './check';
import type { Conversion } from './conversion';
import { fromMinorUnits } from './currency';
import { ClickTrailError, StripeSignatureError } from './errors';
import { parseSignatureHeader } from './stripe-header';

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

const NO_SECRET =
  "No Stripe webhook secret: pass the endpoint's signing secret (whsec_…, from the dashboard or `stripe listen`), " +
  'e.g. process.env.STRIPE_WEBHOOK_SECRET: is that variable set where this runs?';

// Blank as stripe-node counts it: empty or only ASCII whitespace.
const isBlank = (s: unknown): boolean => typeof s !== 'string' || /^[ \t\r\n\f\v]*$/.test(s);

/** The secrets to try, or ClickTrailError `stripe_secret` when there is none (undefined, null, blank, []). */
export const checkSecret = (secret: unknown): string[] => {
  const secrets = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...secret] : [];
  if (!secrets.length || secrets.some(isBlank)) throw new ClickTrailError('stripe_secret', NO_SECRET);
  return secrets as string[];
};

/** toleranceSeconds must be a number of seconds ≥ 0: NaN or a negative value would silently turn the replay check off. */
export const checkTolerance = (where: string, tolerance: unknown): void => {
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0)
    throw invalidOption(
      where,
      'toleranceSeconds',
      'a number of seconds ≥ 0 (0 turns the age check off)',
      tolerance,
    );
};

/**
 * Verifies a Stripe webhook as Stripe specifies (HMAC-SHA256 of `${t}.${rawBody}` keyed by the whole `whsec_…`
 * secret; any v1 may match, which is how secret rotation works; constant-time compare) and returns the parsed event.
 * Throws StripeSignatureError (answer 400) whose message says what to fix; ClickTrailError `stripe_payload` (400) for
 * a signed body that is not a JSON event object; ClickTrailError `stripe_secret` or `invalid_option` for a missing
 * secret or a bad option (the server's configuration: answer 500). The header is read exactly as stripe-node reads it.
 */
export const verifyStripeEvent = async (
  rawBody: string | Uint8Array | ArrayBuffer,
  signatureHeader: string | null | undefined,
  secret: string | readonly string[] | null | undefined,
  options: VerifyOptions = {},
): Promise<StripeEvent> => {
  // Configuration first: a missing secret is the server's fault, whatever the request looks like.
  const secrets = checkSecret(secret);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  checkTolerance('verifyStripeEvent', tolerance);
  const nowMs = options.now === undefined ? Date.now() : +options.now;
  if (!Number.isFinite(nowMs))
    throw invalidOption('verifyStripeEvent', 'now', 'epoch ms or a valid Date', options.now);
  const body = toBody(rawBody);
  const { timestamp, signatures } = parseSignatureHeader(signatureHeader);
  const hmac = (!options.webCrypto && fastHmac()) || webHmac;
  let match = false;
  for (const s of secrets) {
    const expected = toHex(await hmac(s, `${timestamp}.`, body));
    for (const sig of signatures) match = sameHex(expected, sig) || match;
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
  // As stripe-node: an unreadable timestamp (NaN) has no age; only the secret's holder could have signed it.
  const age = Math.floor(nowMs / 1000) - timestamp;
  if (tolerance > 0 && age > tolerance)
    throw new StripeSignatureError(
      'timestamp',
      `The Stripe-Signature timestamp is ${age} s old, over the ${tolerance} s tolerance: a replayed or long-delayed ` +
        'event. If every event fails this way, check the server clock.',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body));
  } catch {
    throw new ClickTrailError('stripe_payload', 'The Stripe webhook body is signed but is not JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ClickTrailError(
      'stripe_payload',
      `The Stripe webhook body is signed but is not an event object (it is ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}).`,
    );
  return parsed as StripeEvent;
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

/** A click id from Stripe, if it is one: the same validation as any click id (no control characters, …). */
const validClickId = (id: string | undefined): string | undefined => (isValidClickId(id) ? id : undefined);

/**
 * The click id a client_reference_id stands for: itself, or what the browser's `ct64_` encoding decodes to. A
 * `ct64_` reference that does not decode to a valid click id (corrupt, or crafted to carry CR/LF) stands for none.
 */
const clickIdFromReference = (ref: string): string | undefined => {
  const id = fromStripeReference(ref);
  return id === ref && ref.startsWith(STRIPE_PREFIX) ? undefined : validClickId(id);
};

/**
 * The Conversion a Stripe event stands for, or null: checkout.session.completed (paid, or no payment required: a
 * lead) and checkout.session.async_payment_succeeded use client_reference_id (as the browser side encoded it);
 * charge.succeeded uses metadata. Null for any other event, an unpaid session, no valid click id, or anything that
 * is not an event at all (null, a string, …). The conversion's `event` is `'lead'` when nothing was paid (no payment
 * required, or an amount of 0), else `'sale'`.
 */
export const conversionFromStripe = (
  event: StripeEvent | null | undefined,
  options: StripeConversionOptions = {},
): Conversion | null => {
  const key = options.metadataKey ?? 'click_id';
  const e = obj(event);
  const o = obj(obj(e.data).object);
  const metadata = obj(o.metadata);
  const fromMetadata = validClickId(str(metadata[key]));
  let clickId: string | undefined;
  let transactionId: string | undefined;
  let minor: unknown;
  let email: string | undefined;
  if (
    (e.type === 'checkout.session.completed' &&
      (o.payment_status === 'paid' || o.payment_status === 'no_payment_required')) ||
    e.type === 'checkout.session.async_payment_succeeded'
  ) {
    const ref = str(o.client_reference_id);
    clickId = (ref && clickIdFromReference(ref)) || fromMetadata;
    transactionId = str(o.id);
    minor = o.amount_total;
    email = str(obj(o.customer_details).email) ?? str(o.customer_email);
  } else if (e.type === 'charge.succeeded') {
    // A charge has no client_reference_id: the click id must have been put in its (or its PaymentIntent's) metadata.
    clickId = fromMetadata;
    transactionId = str(o.payment_intent) ?? str(o.id);
    minor = o.amount;
    email = str(obj(o.billing_details).email) ?? str(o.receipt_email);
  } else return null;
  const currency = str(o.currency);
  if (!clickId || !transactionId || !currency || typeof minor !== 'number' || !Number.isFinite(minor))
    return null;
  return {
    clickId,
    transactionId,
    amount: fromMinorUnits(minor, currency),
    currency: currency.toUpperCase(),
    // Said here rather than left to the dispatcher's default, so every consumer of the conversion sees the same.
    event: o.payment_status === 'no_payment_required' || minor === 0 ? 'lead' : 'sale',
    status: 'approved',
    ...(email ? { email } : {}),
    ...(typeof e.created === 'number' ? { timestamp: e.created } : {}),
    // Metadata the merchant set on the session or charge lets the offers/affiliate rule filters match webhooks.
    ...(str(metadata.offer_id) ? { offerId: str(metadata.offer_id) } : {}),
    ...(str(metadata.affiliate_id) ? { affiliateId: str(metadata.affiliate_id) } : {}),
    kept: metadataParams(o.metadata, key),
  };
};
