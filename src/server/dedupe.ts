import { checkCount, checkFunction } from './check';

/**
 * Remembers which postbacks (and webhook events) were already handled. The default lives in memory, per process;
 * a shared store (Redis `SET key claimed NX PX lease` / `DEL key` / `SET key done PX ttl`, a SQL unique key, …)
 * implements the same calls. For postbacks that must survive a crash, use an outbox instead (createDispatcher's
 * `outbox`): it needs no dedupe store.
 */
export interface DedupeStore {
  /** Atomically claims key: true for the one caller that may proceed, false while it is claimed or done. */
  claim(key: string): Promise<boolean>;
  /** Gives a claim back after a failed attempt, so a later dispatch (or Stripe's redelivery) can send it. */
  release(key: string): Promise<void>;
  /**
   * Optional: called once the work for key succeeded. A shared store claims with a short lease (so a crash
   * mid-send frees the key) and makes it long-lived here.
   */
  done?(key: string): Promise<void>;
  /**
   * Optional: whether key is `'claimed'` (being handled right now), `'done'`, or neither. The webhook handler asks
   * it when a claim fails, to answer a redelivery that arrives mid-handling with 409 (Stripe retries it) rather than
   * 200; without it, the handler only knows about events handled in its own process.
   */
  status?(key: string): Promise<'claimed' | 'done' | undefined>;
}

/** Options of memoryDedupe. */
export interface MemoryDedupeOptions {
  /** How long a done key is remembered, in ms. Default 7 days: longer than Stripe's 3 days of redelivery. */
  ttlMs?: number;
  /**
   * How long a claim lasts before it is done or released, in ms: work that hangs longer than this is given up, and
   * the key can be claimed again. Default 5 minutes (never more than ttlMs).
   */
  claimTtlMs?: number;
  /**
   * A memory guard: past this many live keys the oldest are forgotten before their ttl ends (and a redelivery of
   * one of those would be sent again). Default 1,000,000 (about 165 MB; reached only past ~140,000 postbacks a day
   * in one process, which wants a shared store anyway).
   */
  max?: number;
  /** Clock, for tests. Default Date.now. */
  now?: () => number;
}

/**
 * An in-memory DedupeStore: right for one process; use a shared store when several instances send postbacks. Capped
 * by age: a key lives for its ttl and expired keys are dropped from the oldest on; `max` only guards memory. Invalid
 * options throw ClickTrailError `invalid_option`.
 */
export const memoryDedupe = (options: MemoryDedupeOptions = {}): Required<DedupeStore> => {
  const { ttlMs = 7 * 24 * 3600 * 1000, max = 1_000_000, now = Date.now } = options;
  checkCount('memoryDedupe', 'ttlMs', ttlMs, 1, Number.MAX_SAFE_INTEGER);
  checkCount('memoryDedupe', 'claimTtlMs', options.claimTtlMs, 1, Number.MAX_SAFE_INTEGER);
  checkCount('memoryDedupe', 'max', max, 1, Number.MAX_SAFE_INTEGER);
  checkFunction('memoryDedupe', 'now', now);
  const claimTtlMs = Math.min(options.claimTtlMs ?? 5 * 60_000, ttlMs);
  // Map keeps insertion order, so the first keys are the oldest.
  const keys = new Map<string, { until: number; done: boolean }>();
  const live = (key: string) => {
    const entry = keys.get(key);
    return entry && entry.until > now() ? entry : undefined;
  };
  // Expired keys leave from the oldest on, up to the first live one: the count of keys follows the ttl, not max.
  const sweep = (t: number) => {
    for (const [key, entry] of keys) {
      if (entry.until > t) break;
      keys.delete(key);
    }
  };
  return {
    // No await before the check-and-set: concurrent claims of one key cannot both win.
    async claim(key) {
      sweep(now());
      if (live(key)) return false;
      keys.delete(key);
      keys.set(key, { until: now() + claimTtlMs, done: false });
      while (keys.size > max) keys.delete(keys.keys().next().value as string);
      return true;
    },
    async release(key) {
      keys.delete(key);
    },
    async done(key) {
      keys.delete(key);
      keys.set(key, { until: now() + ttlMs, done: true });
      while (keys.size > max) keys.delete(keys.keys().next().value as string);
    },
    async status(key) {
      const entry = live(key);
      return entry ? (entry.done ? 'done' : 'claimed') : undefined;
    },
  };
};
