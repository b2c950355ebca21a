import { checkBytes, checkFunction, checkMs, invalidOption } from './check';
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
  /**
   * Called once per event that is a conversion; throw (or reject) to make Stripe redeliver it. Pass a dispatcher
   * created with an outbox (`createDispatcher({ rules, outbox })`) itself: the answer is then 200 once the postbacks
   * are committed, and a redelivery finds them instead of adding any (no `dedupe` needed).
   */
  onConversion: ((conversion: Conversion, event: StripeEvent) => unknown) & { readonly outbox?: unknown };
  /**
   * onConversion is idempotent and durable: it writes to an outbox, so running it again for a redelivered event
   * finds the rows it wrote. The handler then keeps no event dedupe of its own and answers 200 once onConversion
   * resolves, however many redeliveries arrive at once. Default: true when onConversion is an outbox dispatcher
   * itself; set it when your onConversion wraps one.
   */
  idempotent?: boolean;
  /** Remembers handled event ids (not used when idempotent). Default memoryDedupe() (one process). */
  dedupe?: DedupeStore;
  /**
   * How long onConversion may take, in ms; past it the answer is 503 and Stripe redelivers later (a redelivery that
   * arrives while it still runs gets 409). Default 10,000: Stripe gives up on a webhook that answers much later.
   */
  timeoutMs?: number;
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
  checkMs(where, 'timeoutMs', options.timeoutMs);
  checkBytes(where, 'maxBodyBytes', options.maxBodyBytes);
  checkMs(where, 'bodyTimeoutMs', options.bodyTimeoutMs);
  const { dedupe } = options;
  if (dedupe !== undefined && (typeof dedupe?.claim !== 'function' || typeof dedupe.release !== 'function'))
    throw invalidOption(where, 'dedupe', 'a DedupeStore ({ claim, release, done?, status? })', dedupe);
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

/** What the handler answers a redelivery of an event that is still being handled: Stripe retries it later. */
const IN_PROGRESS = {
  error: 'in_progress',
  message: 'This event is still being handled; Stripe will deliver it again.',
};

/**
 * A Fetch handler, `(Request) => Promise<Response>`, for Stripe webhooks (Next.js route handlers, Workers, Hono, Bun,
 * Deno): 400 for a bad signature or a signed body that is not an event; 413 / 408 for a body over `maxBodyBytes` or
 * slower than `bodyTimeoutMs` (refused before it is hashed); 200 for handled, duplicate and ignored events; 409 for a
 * redelivery of an event still being handled; 503 when onConversion outlasts `timeoutMs`; 500 when it fails. Stripe
 * redelivers every non-2xx (for up to three days), and the event id is given back so the redelivery is handled. With
 * an outbox dispatcher as onConversion, the 200 means the postbacks are committed, and a redelivery adds nothing.
 * Options that cannot work throw ClickTrailError `invalid_option` here, when the handler is created.
 */
export const stripeWebhookHandler = (options: WebhookOptions): ((request: Request) => Promise<Response>) => {
  checkOptions(options);
  const dedupe = options.dedupe ?? memoryDedupe();
  const limits = {
    maxBytes: options.maxBodyBytes ?? DEFAULT_BODY_LIMITS.maxBytes,
    timeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_LIMITS.timeoutMs,
  };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const durable = options.idempotent ?? options.onConversion?.outbox !== undefined;
  // Events this process is handling now: a dedupe store without status() cannot tell "claimed" from "done".
  const inFlight = new Set<string>();
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
  /** Runs onConversion with the time limit: 'ok', 'timeout', or the error it threw. */
  const run = async (work: Promise<unknown>): Promise<'ok' | 'timeout' | { error: unknown }> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      return await Promise.race([work.then(() => 'ok' as const), late]);
    } catch (error) {
      return { error };
    } finally {
      clearTimeout(timer);
    }
  };
  const timedOut = (event: StripeEvent) => {
    report(
      new ClickTrailError(
        'webhook_timeout',
        `onConversion for ${event.id ?? 'an event'} took longer than ${timeoutMs} ms: answered 503, Stripe will redeliver it`,
      ),
      event,
    );
    return json(503, { error: 'timeout' });
  };

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
      if (durable) {
        // The outbox is the dedupe: committing the same rows again finds them, concurrently or not.
        const outcome = await run(Promise.resolve().then(() => options.onConversion(conversion, event)));
        if (outcome === 'ok') return json(200, { received: true });
        if (outcome === 'timeout') return timedOut(event);
        throw outcome.error;
      }
      const key = eventKey(event, conversion);
      if (!(await dedupe.claim(key))) {
        const state = inFlight.has(key) ? 'claimed' : await dedupe.status?.(key);
        // Still being handled: a 200 now would stop Stripe's retries, and the first run may yet fail.
        if (state === 'claimed') return json(409, IN_PROGRESS);
        return json(200, { received: true, duplicate: true });
      }
      claimed = key;
      inFlight.add(key);
      const work = Promise.resolve().then(() => options.onConversion(conversion, event));
      // However late it ends, the claim is settled: done, or given back for the redelivery.
      const settled = work
        .then(
          () => dedupe.done?.(key),
          () => dedupe.release(key),
        )
        .catch((e) => report(e, event))
        .finally(() => inFlight.delete(key));
      const outcome = await run(work);
      claimed = undefined;
      if (outcome === 'timeout') return timedOut(event);
      await settled;
      if (outcome !== 'ok') throw outcome.error;
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
