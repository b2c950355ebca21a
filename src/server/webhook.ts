import { checkFunction, checkMs, invalidOption } from './check';
import type { Conversion } from './conversion';
import { type DedupeStore, memoryDedupe } from './dedupe';
import { ClickTrailError, RequestBodyError, StripeSignatureError } from './errors';
import { DEFAULT_BODY_LIMITS, readBody } from './read-body';
import {
  checkSecret,
  checkTolerance,
  conversionFromStripe,
  type StripeConversionOptions,
  type StripeEvent,
  verifyStripeEvent,
} from './stripe';
import { parseSignatureHeader } from './stripe-header';
import { callSafely } from './time-limit';

/** Options of stripeWebhookHandler. */
export interface WebhookOptions extends StripeConversionOptions {
  /**
   * The endpoint's signing secret (whsec_…); several while rotating. When it is missing (an unset
   * `process.env.STRIPE_WEBHOOK_SECRET`), the handler says so once when it is created (onError, else console.error)
   * and answers every webhook 500 `configuration`, so Stripe keeps redelivering until it is set.
   */
  secret: string | readonly string[] | null | undefined;
  /** Called once per event that is a conversion; throw (or reject) to make Stripe redeliver it. */
  onConversion: (conversion: Conversion, event: StripeEvent) => unknown;
  /** Remembers handled event ids. Default memoryDedupe() (one process). */
  dedupe?: DedupeStore;
  /** Oldest accepted signature, in seconds; 0 turns the check off. Default 300 (DEFAULT_TOLERANCE_SECONDS). */
  toleranceSeconds?: number;
  /** Larger bodies are answered 413 without being read further or verified. Default 1 MiB (1,048,576). */
  maxBodyBytes?: number;
  /** The body must arrive within this many ms, else 408. Default 10,000. */
  bodyTimeoutMs?: number;
  /**
   * Told about refused requests, failed onConversion calls and a missing secret (the secret and signature never
   * appear). May be async; what it throws or rejects with is ignored.
   */
  onError?: (error: unknown, event?: StripeEvent) => void;
}

const json = (status: number, body: Record<string, unknown>): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Throws ClickTrailError `invalid_option` for options no webhook could work with (the secret is checked apart). */
const checkOptions = (options: WebhookOptions): void => {
  const where = 'stripeWebhookHandler';
  if (!options || typeof options !== 'object') throw invalidOption(where, 'options', 'an object', options);
  if (typeof options.onConversion !== 'function')
    throw invalidOption(where, 'onConversion', 'a function (conversion, event) => …', options.onConversion);
  checkFunction(where, 'onError', options.onError);
  if (options.toleranceSeconds !== undefined) checkTolerance(where, options.toleranceSeconds);
  checkMs(where, 'maxBodyBytes', options.maxBodyBytes);
  checkMs(where, 'bodyTimeoutMs', options.bodyTimeoutMs);
  const { dedupe } = options;
  if (dedupe !== undefined && (typeof dedupe?.claim !== 'function' || typeof dedupe.release !== 'function'))
    throw invalidOption(where, 'dedupe', 'a DedupeStore ({ claim, release, done? })', dedupe);
  if (options.metadataKey !== undefined && (typeof options.metadataKey !== 'string' || !options.metadataKey))
    throw invalidOption(where, 'metadataKey', 'a non-empty string', options.metadataKey);
};

/**
 * The dedupe key of an event: its id. A signed event without one (hand-made, not from Stripe) is keyed by its
 * conversion's transaction instead, so that distinct sessions are never taken for one another.
 */
const eventKey = (event: StripeEvent, conversion: Conversion): string =>
  typeof event.id === 'string' && event.id
    ? `stripe-event:${event.id}`
    : `stripe-transaction:${encodeURIComponent(conversion.transactionId)}`;

/**
 * A Fetch handler, `(Request) => Promise<Response>`, for Stripe webhooks (Next.js route handlers, Workers, Hono, Bun,
 * Deno): 400 for a bad signature or a signed body that is not an event, 413 / 408 for a body over `maxBodyBytes` or
 * slower than `bodyTimeoutMs` (refused before it is hashed), 200 for handled, duplicate and ignored events, 500 when
 * onConversion fails so that Stripe redelivers the event (it retries for up to three days); each event is handled
 * once. Options that cannot work throw ClickTrailError `invalid_option` here, when the handler is created.
 */
export const stripeWebhookHandler = (options: WebhookOptions): ((request: Request) => Promise<Response>) => {
  checkOptions(options);
  const dedupe = options.dedupe ?? memoryDedupe();
  const limits = {
    maxBytes: options.maxBodyBytes ?? DEFAULT_BODY_LIMITS.maxBytes,
    timeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_LIMITS.timeoutMs,
  };
  // Reporting must not change the answer Stripe gets, nor reject where nobody listens.
  const report = (error: unknown, event?: StripeEvent) => callSafely(options.onError, error, event);
  // A missing secret is said once, now, rather than on every request (a build that evaluates this module without
  // its environment must not fail: the deployed handler answers 500 until the secret is there).
  let misconfigured: ClickTrailError | undefined;
  try {
    checkSecret(options.secret);
  } catch (e) {
    misconfigured = e as ClickTrailError;
    if (options.onError) report(misconfigured);
    else
      console.error(
        `[clicktrail] stripeWebhookHandler: ${misconfigured.message} Webhooks are answered 500 until it is.`,
      );
  }
  return async (request) => {
    if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' });
    if (misconfigured) return json(500, { error: 'configuration' });
    let event: StripeEvent;
    try {
      // Cheap refusals first: a request without a readable signature header is answered before its body is read.
      const header = request.headers.get('stripe-signature');
      parseSignatureHeader(header);
      // Bytes, not text(): the signature covers exactly what was sent.
      const body = await readBody(request, limits);
      event = await verifyStripeEvent(body, header, options.secret, {
        toleranceSeconds: options.toleranceSeconds,
      });
    } catch (e) {
      report(e);
      if (e instanceof StripeSignatureError) return json(400, { error: e.code, message: e.message });
      if (e instanceof RequestBodyError) return json(e.status, { error: e.code, message: e.message });
      // Signed but not an event: redelivering it cannot help, so a 4xx rather than a 500.
      if (e instanceof ClickTrailError && e.code === 'stripe_payload')
        return json(400, { error: e.code, message: e.message });
      return json(500, { error: 'configuration' });
    }
    let claimed: string | undefined;
    try {
      const conversion = conversionFromStripe(event, options);
      if (!conversion) return json(200, { received: true, ignored: true });
      const key = eventKey(event, conversion);
      if (!(await dedupe.claim(key))) return json(200, { received: true, duplicate: true });
      claimed = key;
      await options.onConversion(conversion, event);
      claimed = undefined;
      // The conversion was handled: a store that fails to record it is reported, not a reason for a redelivery.
      await new Promise<void>((resolve) => resolve(dedupe.done?.(key))).catch((e: unknown) =>
        report(e, event),
      );
      return json(200, { received: true });
    } catch (e) {
      // A failed onConversion (or a shared dedupe store that is down) answers 500, never a rejected promise, and
      // gives the id back: Stripe's redelivery must be handled, not skipped as a duplicate.
      const key = claimed;
      if (key) await new Promise<void>((resolve) => resolve(dedupe.release(key))).catch(() => undefined);
      report(e, event);
      return json(500, { error: 'conversion_failed' });
    }
  };
};
