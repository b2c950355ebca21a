import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE,
  retryDelay,
  scheduleSpan,
  verdict,
} from '../../../src/server/outbox/schedule';

const H = 3600_000;

describe('the retry schedule', () => {
  it("defaults to Svix's: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 27.5 hours)", () => {
    expect(DEFAULT_RETRY_SCHEDULE).toEqual([5_000, 300_000, 1_800_000, 2 * H, 5 * H, 10 * H, 10 * H]);
    expect(scheduleSpan()).toBe(27 * H + 35 * 60_000 + 5_000);
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(n, {}, undefined, mid))).toEqual(
      DEFAULT_RETRY_SCHEDULE,
    );
  });

  it('ends after the last step: 8 attempts in all', () => {
    expect(retryDelay(8)).toBeUndefined();
    expect(retryDelay(0)).toBeUndefined();
    expect(retryDelay(2, { schedule: [10] })).toBeUndefined();
    expect(retryDelay(1, { schedule: [] })).toBeUndefined();
  });

  it('spreads each wait by ±jitter', () => {
    expect(retryDelay(1, {}, undefined, () => 0)).toBe(4_500);
    expect(retryDelay(1, {}, undefined, () => 0.999_999)).toBe(5_500);
    expect(retryDelay(2, { jitter: 0 }, undefined, () => 0)).toBe(300_000);
    expect(retryDelay(1, { schedule: [1000], jitter: 0.5 }, undefined, () => 0)).toBe(500);
  });

  it('honours a Retry-After longer than the step, up to the cap; a shorter one does not hurry it', () => {
    const p = { jitter: 0 };
    expect(retryDelay(1, p, 120_000)).toBe(120_000);
    expect(retryDelay(2, p, 1_000)).toBe(300_000);
    expect(retryDelay(1, p, 7 * 24 * H)).toBe(24 * H);
    expect(retryDelay(1, { ...p, maxRetryAfterMs: 60_000 }, 7 * 24 * H)).toBe(60_000);
    // A Retry-After on the last attempt does not add one more.
    expect(retryDelay(8, p, 1_000)).toBeUndefined();
  });
});

describe('verdict', () => {
  const url = 'https://t.example/pb?x=1';
  it('2xx is delivered', () => {
    for (const status of [200, 201, 202, 204]) expect(verdict({ ok: true, status }, url)).toBe('delivered');
  });
  it('408, 429 and 5xx are retried, as are timeouts and network errors', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599])
      expect(verdict({ ok: false, status }, url)).toBe('retry');
    expect(verdict({ ok: false }, url)).toBe('retry');
  });
  it('3xx and the other 4xx fail at once, as does a URL that cannot be parsed', () => {
    for (const status of [300, 301, 302, 303, 307, 308, 400, 401, 403, 404, 410, 422])
      expect(verdict({ ok: false, status }, url)).toBe('failed');
    expect(verdict({ ok: false }, 'not a url')).toBe('failed');
  });
});
