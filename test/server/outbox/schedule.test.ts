import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, scheduleDelay, scheduleSpan } from '../../../src/server/outbox/schedule';

const H = 3600_000;

describe('the retry schedule', () => {
  it("defaults to Svix's: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 27.5 hours)", () => {
    expect(DEFAULT_RETRY_SCHEDULE).toEqual([5_000, 300_000, 1_800_000, 2 * H, 5 * H, 10 * H, 10 * H]);
    expect(scheduleSpan()).toBe(27 * H + 35 * 60_000 + 5_000);
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => scheduleDelay(n, {}, undefined, mid))).toEqual(
      DEFAULT_RETRY_SCHEDULE,
    );
  });

  it('ends after the last step: 8 attempts in all', () => {
    expect(scheduleDelay(8)).toBeUndefined();
    expect(scheduleDelay(0)).toBeUndefined();
    expect(scheduleDelay(2, { schedule: [10] })).toBeUndefined();
    expect(scheduleDelay(1, { schedule: [] })).toBeUndefined();
  });

  it('spreads each wait by ±jitter', () => {
    expect(scheduleDelay(1, {}, undefined, () => 0)).toBe(4_500);
    expect(scheduleDelay(1, {}, undefined, () => 0.999_999)).toBe(5_500);
    expect(scheduleDelay(2, { jitter: 0 }, undefined, () => 0)).toBe(300_000);
    expect(scheduleDelay(1, { schedule: [1000], jitter: 0.5 }, undefined, () => 0)).toBe(500);
  });

  it('honours a Retry-After longer than the step, up to the cap; a shorter one does not hurry it', () => {
    const p = { jitter: 0 };
    expect(scheduleDelay(1, p, 120_000)).toBe(120_000);
    expect(scheduleDelay(2, p, 1_000)).toBe(300_000);
    expect(scheduleDelay(1, p, 7 * 24 * H)).toBe(24 * H);
    expect(scheduleDelay(1, { ...p, maxRetryAfterMs: 60_000 }, 7 * 24 * H)).toBe(60_000);
    // A Retry-After on the last attempt does not add one more.
    expect(scheduleDelay(8, p, 1_000)).toBeUndefined();
  });
});
