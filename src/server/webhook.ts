import type { Conversion } from './conversion';
import { type DedupeStore, memoryDedupe } from './dedupe';
import { ClickTrailError, StripeSignatureError } from './errors';
import {
  conversionFromStripe,
  type StripeConversionOptions,
  type StripeEvent,
  verifyStripeEvent,
} from './stripe';

/** Options of stripeWebhookHandler. */
export interface WebhookOptions extends StripeConversionOptions {
  /** The endpoint's signing secret (whsec_…); several while rotating. */
  secret: string | readonly string[];
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
  /** Told about refused signatures and failed onConversion calls (the secret and signature never appear). */
  onError?: (error: unknown, event?: StripeEvent) => void;
}

const json = (status: number, body: Record<string, unknown>): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** What the handler answers a redelivery of an event that is still being handled: Stripe retries it later. */
const IN_PROGRESS = {
  error: 'in_progress',
  message: 'This event is still being handled; Stripe will deliver it again.',
};

/**
 * A Fetch handler, `(Request) => Promise<Response>`, for Stripe webhooks (Next.js route handlers, Workers, Hono, Bun,
 * Deno): 400 for a bad signature; 200 for handled, duplicate and ignored events; 409 for a redelivery of an event
 * still being handled; 503 when onConversion outlasts `timeoutMs`; 500 when it fails. Stripe redelivers every non-2xx
 * (for up to three days), and the event id is given back so the redelivery is handled. With an outbox dispatcher as
 * onConversion, the 200 means the postbacks are committed, and a redelivery adds nothing.
 */
export const stripeWebhookHandler = (options: WebhookOptions): ((request: Request) => Promise<Response>) => {
  const dedupe = options.dedupe ?? memoryDedupe();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const durable = options.idempotent ?? options.onConversion?.outbox !== undefined;
  // Events this process is handling now: a dedupe store without status() cannot tell "claimed" from "done".
  const inFlight = new Set<string>();
  const report = (error: unknown, event?: StripeEvent) => {
    try {
      options.onError?.(error, event);
    } catch {
      // Reporting must not change the answer Stripe gets.
    }
  };
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
        `onConversion for ${event.id} took longer than ${timeoutMs} ms: answered 503, Stripe will redeliver it`,
      ),
      event,
    );
    return json(503, { error: 'timeout' });
  };

  return async (request) => {
    if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' });
    let event: StripeEvent;
    try {
      // Bytes, not text(): the signature covers exactly what was sent.
      const body = new Uint8Array(await request.arrayBuffer());
      event = await verifyStripeEvent(body, request.headers.get('stripe-signature'), options.secret, {
        toleranceSeconds: options.toleranceSeconds,
      });
    } catch (e) {
      report(e);
      if (e instanceof StripeSignatureError) return json(400, { error: e.code, message: e.message });
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
      const key = `stripe-event:${event.id}`;
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
      if (claimed) await dedupe.release(claimed).catch(() => undefined);
      report(e, event);
      return json(500, { error: 'conversion_failed' });
    }
  };
};
