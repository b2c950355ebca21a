import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Conversion,
  createDispatcher,
  type PostbackRequest,
  type PostbackResult,
  type SendOptions,
  sendPostback,
} from '../../src/server/index';
import { parseRetryAfter } from '../../src/server/send';
import { type Behaviour, type Receiver, startReceiver } from './receiver';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const script =
  (steps: Behaviour[]) =>
  (_key: string, n: number): Behaviour =>
    steps[Math.min(n, steps.length) - 1];

describe('sendPostback against a real receiver', () => {
  it('retries 500, 429, resets and timeouts, then succeeds once', async () => {
    receiver = await startReceiver(
      script([{ status: 500 }, { status: 429 }, 'reset', 'hang', { status: 200 }]),
    );
    const r = await sendPostback(`${receiver.url}/pb?k=a`, {
      retries: 4,
      // Long enough for the final 200 on a loaded CI machine (100 ms failed it there), short for the 'hang'.
      timeoutMs: 1000,
      backoffMs: 1,
      maxDelayMs: 5,
    });
    expect(r).toMatchObject({ ok: true, outcome: 'sent', status: 200, attempts: 5, method: 'GET' });
    expect(r.error).toBeUndefined();
    expect(receiver.accepted.get('a')).toBe(1);
  });

  it('gives up after the retries and says why', async () => {
    receiver = await startReceiver(() => 'hang');
    const r = await sendPostback(
      { url: `${receiver.url}/pb?k=b` },
      { retries: 1, timeoutMs: 50, backoffMs: 1 },
    );
    expect(r).toMatchObject({ ok: false, outcome: 'failed', attempts: 2, error: 'timeout after 50 ms' });
  });

  it('reports a connection reset as a network error', async () => {
    receiver = await startReceiver(() => 'reset');
    const r = await sendPostback(`${receiver.url}/pb?k=c`, { retries: 0 });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/fetch failed|socket|ECONNRESET|other side closed/i);
  });

  it('keeps secrets out of fetch’s own error messages, and does not retry a URL fetch cannot parse', async () => {
    const r = await sendPostback('http://exa mple.test/pb?token=SECRET123&k=e', { retries: 3, backoffMs: 1 });
    expect(r).toMatchObject({ ok: false, outcome: 'failed', attempts: 0 });
    expect(r.error).toMatch(/URL/);
    expect(JSON.stringify(r)).not.toContain('SECRET123');
    const withPassword = await sendPostback('http://user:hunter2@127.0.0.1:9/pb?sig=SECRET456', {
      retries: 0,
    });
    expect(withPassword.ok).toBe(false);
    expect(JSON.stringify(withPassword)).not.toMatch(/hunter2|SECRET456/);
  });

  it('does not retry a 4xx other than 408/429', async () => {
    receiver = await startReceiver(() => ({ status: 404 }));
    const r = await sendPostback(`${receiver.url}/pb?k=d`, { retries: 3, backoffMs: 1 });
    expect(r).toMatchObject({ ok: false, status: 404, attempts: 1, error: 'HTTP 404' });
    expect(receiver.attempts.get('d')).toBe(1);
  });

  it('honours Retry-After (seconds and HTTP date) and backs off exponentially otherwise', async () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    receiver = await startReceiver(
      script([
        { status: 429, headers: { 'retry-after': '2' } },
        { status: 503, headers: { 'retry-after': date } },
        { status: 500 },
        { status: 502 },
        { status: 200 },
      ]),
    );
    const waits: number[] = [];
    const r = await sendPostback(`${receiver.url}/pb?k=e`, {
      retries: 4,
      backoffMs: 100,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(r).toMatchObject({ ok: true, attempts: 5 });
    expect(waits[0]).toBe(2000);
    expect(waits[1]).toBeGreaterThan(20_000);
    expect(waits[1]).toBeLessThanOrEqual(30_000);
    // backoff 100·2^(attempt-1) × (0.5 + 0.5/2) after attempts 3 and 4
    expect(waits.slice(2)).toEqual([300, 600]);
  });

  it('caps every wait at maxDelayMs', async () => {
    receiver = await startReceiver(
      script([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }]),
    );
    const waits: number[] = [];
    await sendPostback(`${receiver.url}/pb?k=f`, { maxDelayMs: 7, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([7]);
  });

  it('consumes every response body, so one keep-alive connection serves all requests', async () => {
    receiver = await startReceiver((_k, n) => ({ status: n % 2 ? 200 : 404, body: 'y'.repeat(200_000) }));
    for (let i = 0; i < 12; i++) await sendPostback(`${receiver.url}/pb?k=g`, { retries: 0 });
    expect(receiver.attempts.get('g')).toBe(12);
    // Unread bodies pin their connection: 12 requests would open 12 sockets. Drained, undici reuses them
    // (it may open a second one while the first is being returned to the pool).
    expect(receiver.sockets.size).toBeLessThanOrEqual(2);
  });

  it('calls fetch as a plain function, as workerd requires (its fetch throws "Illegal invocation" on another this)', async () => {
    const seen: unknown[] = [];
    const result = await sendPostback('https://t.example/pb?k=this', {
      retries: 0,
      fetch: function (this: unknown) {
        seen.push(this);
        return Promise.resolve(new Response('ok'));
      } as typeof fetch,
    });
    expect([result.ok, seen]).toEqual([true, [undefined]]);
  });

  it('parses Retry-After', () => {
    expect(parseRetryAfter('5')).toBe(5000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')),
    ).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('dispatch under load, with a receiver that fails on purpose', () => {
  it('1,000 conversions × 2 rules: every postback accepted exactly once despite failures and duplicate dispatches', async () => {
    // Per postback, a failure pattern picked from its key; "down" outlasts the retries, so only a later dispatch delivers it.
    const patterns: Behaviour[][] = [
      [{ status: 200 }],
      [{ status: 500 }, { status: 200 }],
      [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }],
      ['reset', { status: 200 }],
      [{ status: 503 }, 'reset', { status: 200 }],
      [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 200 }],
    ];
    // One postback in 80 first answers too late: each costs a full timeout, so they are kept few.
    const hang: Behaviour[] = ['hang', { status: 200 }];
    const pick = (key: string) => {
      const h = [...key].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 99991, 7);
      return h % 80 === 0
        ? hang
        : h % 3 === 0
          ? patterns[0]
          : patterns[1 + ((h % patterns.length) % (patterns.length - 1))];
    };
    receiver = await startReceiver((key, n) => script(pick(key))(key, n));
    const base = receiver.url;
    const dispatch = createDispatcher({
      rules: [
        { id: 'get', url: `${base}/get?k={transaction_id}-get&c={click_id}&a={amount}` },
        { id: 'post', url: `${base}/post?k={transaction_id}-post&c={click_id}`, method: 'POST' },
      ],
      // The timeout is generous so that a busy machine never times out an answer the receiver did send.
      sendOptions: { retries: 2, timeoutMs: 1500, backoffMs: 1, maxDelayMs: 3 },
      // This test reads the results of each round instead.
      throwOnFailure: false,
    });
    const conversions: Conversion[] = Array.from({ length: 1000 }, (_, i) => ({
      clickId: `c${i}`,
      transactionId: `t${i}`,
      amount: i,
      currency: 'USD',
    }));
    const run = async () => {
      const results: PostbackResult[] = [];
      const queue = [...conversions];
      // 8 workers (a small machine answers 16 parallel local requests far within the timeout); each conversion is dispatched twice at once, as a redelivered webhook would.
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let c = queue.shift(); c; c = queue.shift())
            results.push(...(await Promise.all([dispatch(c), dispatch(c)])).flat());
        }),
      );
      return results;
    };
    // A client timeout on a request the receiver did accept is the one way HTTP itself duplicates (see the docs):
    // fetch's cold start must not count against the first requests' timeouts, so connections are opened first.
    await Promise.all(
      Array.from({ length: 16 }, () => fetch(`${base}/warm?k=warm`).then((r) => r.arrayBuffer())),
    );
    receiver.accepted.delete('warm');
    const first = await run();
    const failed = first.filter((r) => r.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(first.filter((r) => r.attempts > 1 && r.ok).length).toBeGreaterThan(500);
    expect(first.filter((r) => r.outcome === 'sent').length + failed.length).toBe(2000);
    const second = await run();
    expect(second.filter((r) => r.outcome === 'sent')).toHaveLength(failed.length);
    expect(second.filter((r) => r.outcome === 'failed')).toHaveLength(0);
    const third = await run();
    expect(third.every((r) => r.outcome === 'duplicate')).toBe(true);
    expect(receiver.accepted.size).toBe(2000);
    expect([...receiver.accepted.values()].every((n) => n === 1)).toBe(true);
    expect(receiver.bodies.get('t7-post')).toBe('k=t7-post&c=c7');
  }, 120_000);
});

describe('sendPostback options and requests that cannot work', () => {
  /** A fetch that always answers 500, counting calls: the worst case for a retry loop. */
  const failing = () => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      return new Response('no', { status: 500 });
    }) as typeof globalThis.fetch;
    return { fetch, calls: () => calls };
  };
  const noWait = async () => undefined;

  it('refuses retries, timeouts and delays that would loop forever or fail every attempt, before any request', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ retries: Number.NaN }, /retries must be a whole number from 0 to 100, got NaN/],
      [{ retries: Number.POSITIVE_INFINITY, backoffMs: Number.NaN }, /retries/],
      [{ retries: -1 }, /retries/],
      [{ retries: 1.5 }, /retries/],
      [{ timeoutMs: 0 }, /timeoutMs/],
      [{ timeoutMs: Number.NaN }, /timeoutMs/],
      [{ timeoutMs: -1 }, /timeoutMs/],
      [{ timeoutMs: 2 ** 31 }, /timeoutMs/],
      [{ backoffMs: Number.NaN }, /backoffMs/],
      [{ maxDelayMs: -5 }, /maxDelayMs/],
      [{ fetch: 'fetch' }, /fetch must be a function/],
    ];
    for (const [options, message] of bad) {
      const { fetch, calls } = failing();
      await expect(
        sendPostback('https://t.example/pb', { fetch, sleep: noWait, ...options } as SendOptions),
      ).rejects.toMatchObject({ code: 'invalid_option', message: expect.stringMatching(message) });
      expect(calls()).toBe(0);
    }
  });

  it('property: options are refused (nothing sent) or the attempts are bounded by retries + 1', async () => {
    const number = fc.oneof(
      fc.integer({ min: -3, max: 6 }),
      fc.double(),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 31, 2 ** 31 - 1),
    );
    const value = fc.oneof(number, fc.constantFrom(undefined, null, '5', true, {}));
    const valid = (v: unknown, min: number, max: number) =>
      v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max);
    await fc.assert(
      fc.asyncProperty(
        fc.record({ timeoutMs: value, retries: value, backoffMs: value, maxDelayMs: value }),
        async (options) => {
          const ok =
            valid(options.timeoutMs, 1, 2 ** 31 - 1) &&
            valid(options.retries, 0, 100) &&
            valid(options.backoffMs, 0, 2 ** 31 - 1) &&
            valid(options.maxDelayMs, 0, 2 ** 31 - 1);
          // Large retry counts are valid; the property only needs a few: cap what runs, not what is checked.
          fc.pre(!ok || ((options.retries as number | undefined) ?? 3) <= 6);
          const { fetch, calls } = failing();
          const run = sendPostback('https://t.example/pb', {
            ...options,
            fetch,
            sleep: noWait,
          } as SendOptions);
          if (!ok) {
            await expect(run).rejects.toMatchObject({ code: 'invalid_option' });
            expect(calls()).toBe(0);
          } else {
            const result = await run;
            expect(result).toMatchObject({ ok: false, outcome: 'failed', status: 500 });
            expect(result.attempts).toBe(((options.retries as number | undefined) ?? 3) + 1);
            expect(calls()).toBe(result.attempts);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('fails at once, without retrying, a request fetch would refuse every time', async () => {
    const cases: [string | PostbackRequest, RegExp][] = [
      ['https://user:pw@t.example/pb?k=1', /credentials.*authorization/],
      ['ftp://t.example/pb', /must be http\(s\), not ftp:/],
      ['data:,hello', /must be http\(s\)/],
      ['javascript:alert(1)', /must be http\(s\)/],
      ['/relative/pb', /not a valid absolute URL/],
      [{ url: 'https://t.example/pb', headers: { 'x-key': 'a\r\nx-evil: 1' } }, /line break/],
      [{ url: 'https://t.example/pb', headers: { 'bad name': 'v' } }, /not a valid HTTP header name/],
      [{ url: 'https://t.example/pb', method: 'DELETE' as 'GET' }, /GET or POST/],
    ];
    for (const [request, message] of cases) {
      const { fetch, calls } = failing();
      const result = await sendPostback(request, { fetch, retries: 3, sleep: noWait });
      expect(result).toMatchObject({
        ok: false,
        outcome: 'failed',
        attempts: 0,
        error: expect.stringMatching(message),
      });
      expect(calls()).toBe(0);
      expect(JSON.stringify(result)).not.toContain('user:pw');
    }
  });

  it('stops at once when its signal aborts: the attempt in flight is cancelled and no retry starts', async () => {
    receiver = await startReceiver(() => 'hang');
    const abort = new AbortController();
    const pending = sendPostback(`${receiver.url}/pb?k=abort`, {
      signal: abort.signal,
      retries: 5,
      timeoutMs: 60_000,
    });
    // Abort once the receiver has the request: the attempt in flight is what must stop.
    await expect.poll(() => receiver?.attempts.get('abort')).toBe(1);
    abort.abort(new Error('shutting down'));
    expect(await pending).toMatchObject({ ok: false, attempts: 1, error: 'stopped: shutting down' });
    expect(receiver.attempts.get('abort')).toBe(1);
  });
});

describe('redirects are not deliveries', () => {
  let other: Receiver | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
  });

  it('does not follow a 302 to another origin: nothing reaches it, and the result says where it pointed', async () => {
    other = await startReceiver(() => ({ status: 200 }));
    const elsewhere = `${other.url}/steal?k=stolen&token=SECRET`;
    receiver = await startReceiver(() => ({ status: 302, headers: { location: elsewhere } }));
    const result = await sendPostback(
      { url: `${receiver.url}/pb?k=r1&cid=clk`, headers: { 'x-api-key': 'KEY' } },
      { retries: 3, backoffMs: 1 },
    );
    expect(result).toMatchObject({
      ok: false,
      outcome: 'failed',
      status: 302,
      attempts: 1,
      location: `${other.url}/steal?k=stolen&token=***`,
      error: expect.stringMatching(/HTTP 302 redirect to .*steal.*not followed/),
    });
    expect(JSON.stringify(result)).not.toContain('SECRET');
    expect(other.attempts.size).toBe(0);
  });

  it('does not re-send a POST body on a 307, and resolves a relative Location against the postback URL', async () => {
    other = await startReceiver(() => ({ status: 200 }));
    receiver = await startReceiver(() => ({ status: 307, headers: { location: '/moved?k=r2' } }));
    const result = await sendPostback(
      { url: `${receiver.url}/pb`, method: 'POST', body: 'k=r2&cid=clk' },
      { retries: 2, backoffMs: 1 },
    );
    expect(result).toMatchObject({
      ok: false,
      status: 307,
      attempts: 1,
      location: `${receiver.url}/moved?k=r2`,
    });
    expect(receiver.attempts.get('r2')).toBe(1);
  });

  it('puts the Location in the dispatcher log entry', async () => {
    receiver = await startReceiver(() => ({ status: 301, headers: { location: 'https://new.example/pb' } }));
    const log: PostbackResult[] = [];
    await createDispatcher({
      rules: [{ id: 'moved', url: `${receiver.url}/pb?k=r3&c={click_id}` }],
      log: (entry) => void log.push(entry),
      throwOnFailure: false,
    })({ clickId: 'c', transactionId: 't-redirect', amount: 1, currency: 'USD' });
    expect(log).toEqual([
      expect.objectContaining({
        rule: 'moved',
        outcome: 'failed',
        status: 301,
        location: 'https://new.example/pb',
      }),
    ]);
  });
});
