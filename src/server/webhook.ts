import type { Conversion } from './conversion';
import { type DedupeStore, memoryDedupe } from './dedupe';
import { StripeSignatureError } from './errors';
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
  /** Called once per event that is a conversion; throw (or reject) to make Stripe redeliver it. */
  onConversion: (conversion: Conversion, event: StripeEvent) => unknown;
  /** Remembers handled event ids. Default memoryDedupe() (one process). */
  dedupe?: DedupeStore;
  /** Oldest accepted signature, in seconds; 0 turns the check off. Default 300 (DEFAULT_TOLERANCE_SECONDS). */
  toleranceSeconds?: number;
  /** Told about refused signatures and failed onConversion calls (the secret and signature never appear). */
  onError?: (error: unknown, event?: StripeEvent) => void;
}

const json = (status: number, body: Record<string, unknown>): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * A Fetch handler, `(Request) => Promise<Response>`, for Stripe webhooks (Next.js route handlers, Workers, Hono, Bun,
 * Deno): 400 for a bad signature, 200 for handled, duplicate and ignored events, 500 when onConversion fails so that
 * Stripe redelivers the event (it retries for up to three days); each event id is handled once.
 */
export const stripeWebhookHandler = (options: WebhookOptions): ((request: Request) => Promise<Response>) => {
  const dedupe = options.dedupe ?? memoryDedupe();
  const report = (error: unknown, event?: StripeEvent) => {
    try {
      options.onError?.(error, event);
    } catch {
      // Reporting must not change the answer Stripe gets.
    }
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
      const key = `stripe-event:${event.id}`;
      if (!(await dedupe.claim(key))) return json(200, { received: true, duplicate: true });
      claimed = key;
      await options.onConversion(conversion, event);
      claimed = undefined;
      await dedupe.done?.(key);
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
