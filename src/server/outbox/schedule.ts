// When to try a postback again, and whether to: pure functions, the worker applies them.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The default waits between attempts, Svix's schedule: the first attempt at once, then 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h and 10 h later: 8 attempts spread over about 27.5 hours, so a tracker that is down for a day still gets every
 * postback. Its length + 1 is the number of attempts.
 */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** How retries are spaced. */
export interface RetryPolicy {
  /** Waits in ms after the 1st, 2nd, … failed attempt; its length + 1 is the number of attempts. Default DEFAULT_RETRY_SCHEDULE. */
  schedule?: readonly number[];
  /** Each wait is scaled by a random factor in [1 − jitter, 1 + jitter], so retries of many rows spread out. Default 0.1. */
  jitter?: number;
  /** The longest Retry-After honoured, in ms (a longer one is cut to this). Default 24 hours. */
  maxRetryAfterMs?: number;
}

/** The whole schedule's span in ms: how long a postback is retried before it fails. */
export const scheduleSpan = (schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE): number =>
  schedule.reduce((sum, ms) => sum + ms, 0);

/**
 * The wait in ms before the next attempt, after `failed` attempts have failed (1 after the first), or undefined when
 * the schedule is used up. A Retry-After (ms) that asks for longer than the schedule wins, up to maxRetryAfterMs.
 */
export const scheduleDelay = (
  failed: number,
  policy: RetryPolicy = {},
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined => {
  const { schedule = DEFAULT_RETRY_SCHEDULE, jitter = 0.1, maxRetryAfterMs = 24 * HOUR } = policy;
  const base = schedule[failed - 1];
  if (base === undefined || failed < 1) return undefined;
  const spread = Math.round(base * (1 - jitter + 2 * jitter * random()));
  return retryAfterMs === undefined ? spread : Math.max(spread, Math.min(retryAfterMs, maxRetryAfterMs));
};
