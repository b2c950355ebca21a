import { checkCount, checkFunction } from './check';

/**
 * Remembers which postbacks (and webhook events) were already handled. The default lives in memory, per process;
 * a shared store (Redis `SET key 1 NX PX ttl` / `DEL key`, a SQL unique key, …) implements the same three calls.
 */
export interface DedupeStore {
  /** Atomically claims key: true for the one caller that may proceed, false while it is claimed or done. */
  claim(key: string): Promise<boolean>;
  /** Gives a claim back after a failed attempt, so a later dispatch (or Stripe's redelivery) can send it. */
  release(key: string): Promise<void>;
  /**
   * Optional: called once the work for key succeeded. A shared store can claim with a short lease (so a crash
   * mid-send frees the key) and make it permanent here.
   */
  done?(key: string): Promise<void>;
}

/** Options of memoryDedupe. */
export interface MemoryDedupeOptions {
  /** How long a key stays claimed, in ms; expired keys are dropped. Default 7 days: longer than Stripe's 3 days of redelivery. */
  ttlMs?: number;
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
 * An in-memory DedupeStore: right for one process; use a shared store when several instances send postbacks. Keys
 * live for `ttlMs` (capped by age: expired keys leave first, on the next claim); `max` only guards memory.
 */
export const memoryDedupe = (options: MemoryDedupeOptions = {}): DedupeStore => {
  const { ttlMs = 7 * 24 * 3600 * 1000, max = 1_000_000, now = Date.now } = options;
  checkCount('memoryDedupe', 'ttlMs', ttlMs, 1, Number.MAX_SAFE_INTEGER);
  checkCount('memoryDedupe', 'max', max, 1, Number.MAX_SAFE_INTEGER);
  checkFunction('memoryDedupe', 'now', now);
  // Map keeps insertion order and every key lives ttlMs, so the first keys are the first to expire.
  const keys = new Map<string, number>();
  return {
    // No await before the check-and-set: concurrent claims of one key cannot both win.
    async claim(key) {
      const t = now();
      for (const [old, until] of keys) {
        if (until > t) break;
        keys.delete(old);
      }
      const until = keys.get(key);
      if (until !== undefined && until > t) return false;
      keys.delete(key);
      keys.set(key, t + ttlMs);
      while (keys.size > max) keys.delete(keys.keys().next().value as string);
      return true;
    },
    async release(key) {
      keys.delete(key);
    },
  };
};
