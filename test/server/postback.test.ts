import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildPostbackUrl,
  ClickTrailError,
  type Conversion,
  createDispatcher,
  MissingParamsError,
  memoryDedupe,
  PostbackError,
  type PostbackRequest,
  type PostbackResult,
  type PostbackRule,
} from '../../src/server/index';
import { redactUrl } from '../../src/server/redact';

describe('buildPostbackUrl', () => {
  it('produces the seed example byte for byte', () => {
    expect(
      buildPostbackUrl(
        'https://exmaple-tracking.tracknow.info/postback',
        {
          click_id: 'a520dca8-ab08-4640-af65-034be3a68909',
          campaign_id: 1,
          order_id: 23315,
          amount: 150,
          first_name: 'John',
          email: 'john.example@gmail.com',
        },
        { required: ['click_id', 'campaign_id', 'amount'] },
      ),
    ).toBe(
      'https://exmaple-tracking.tracknow.info/postback?click_id=a520dca8-ab08-4640-af65-034be3a68909&campaign_id=1&order_id=23315&amount=150&first_name=John&email=john.example%40gmail.com',
    );
  });

  it('keeps the base query and fragment, skips null/undefined, replaces a pair it names again', () => {
    expect(
      buildPostbackUrl('https://t.example/pb?token=s%2Bx&a=old&b=1+1#h', {
        a: 'n e',
        c: null,
        d: undefined,
        e: '',
      }),
    ).toBe('https://t.example/pb?token=s%2Bx&a=n%20e&b=1+1&e=#h');
  });

  it('encodes as RFC 3986 (sub-delims too)', () => {
    expect(buildPostbackUrl('https://t/', { v: "a!b'c(d)e*f~g" })).toBe(
      'https://t/?v=a%21b%27c%28d%29e%2Af~g',
    );
  });

  it('names every missing required key in one typed error', () => {
    let error: unknown;
    try {
      buildPostbackUrl(
        'https://t/',
        { click_id: '', amount: 0, campaign_id: null },
        { required: ['click_id', 'campaign_id', 'amount', 'x'] },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingParamsError);
    expect(error).toBeInstanceOf(ClickTrailError);
    expect(error).toMatchObject({ code: 'missing_params', missing: ['click_id', 'campaign_id', 'x'] });
    expect((error as Error).message).toBe('Missing required postback parameter(s): click_id, campaign_id, x');
  });

  it('property: one pair per param, decoded back exactly; path and fragment unchanged', () => {
    const key = fc.string({ minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.dictionary(key, fc.string()), (params) => {
        const url = buildPostbackUrl('https://t.example/a/b?fixed=1#frag', params);
        const u = new URL(url);
        expect(u.pathname).toBe('/a/b');
        expect(u.hash).toBe('#frag');
        const pairs = u.search.slice(1).split('&');
        const names = Object.keys(params).filter((k) => k !== 'fixed');
        expect(pairs).toHaveLength(1 + names.length);
        for (const pair of pairs) {
          const [k, v] = pair.split('=').map(decodeURIComponent);
          if (k === 'fixed' && !('fixed' in params)) expect(v).toBe('1');
          else expect(v).toBe(params[k]);
        }
      }),
    );
  });
});

const conversion = (over: Partial<Conversion> = {}): Conversion => ({
  clickId: 'clk-1',
  transactionId: 'tx-1',
  amount: 150,
  currency: 'USD',
  email: 'a+b@example.com',
  kept: { affS1: 'aff 1', amount: '999999' },
  ...over,
});

/** A send that records requests and answers from a script. */
const recorder = (answer: (req: PostbackRequest, n: number) => Partial<PostbackResult> = () => ({})) => {
  const requests: PostbackRequest[] = [];
  const send = async (req: PostbackRequest): Promise<PostbackResult> => {
    requests.push(req);
    const a = answer(req, requests.length);
    const ok = a.ok ?? true;
    return {
      url: req.url,
      method: req.method ?? 'GET',
      outcome: ok ? 'sent' : 'failed',
      ok,
      status: ok ? 200 : 500,
      attempts: 1,
      durationMs: 0,
      ...a,
    };
  };
  return { requests, send };
};

describe('createDispatcher', () => {
  const rules: PostbackRule[] = [
    {
      id: 'tpl',
      url: 'https://t.example/pb?cid={affS1}&sum={payout}&tx={transaction_id}&ev={event}&cur={currency}&m={email}',
    },
    {
      id: 'tracknow',
      base: 'https://ns-tracking.example/postback',
      params: {
        click_id: '{click_id}',
        campaign_id: '7',
        order_id: '{order_id}',
        amount: '{amount}',
        email: '{email}',
        x: '{nothing}',
      },
      required: ['click_id', 'campaign_id', 'amount'],
    },
  ];

  it('renders both rule styles with the conversion fields and kept params (fields win over params)', async () => {
    const { requests, send } = recorder();
    const results = await createDispatcher({ rules, send })(conversion());
    expect(requests.map((r) => r.url).sort()).toEqual([
      'https://ns-tracking.example/postback?click_id=clk-1&campaign_id=7&order_id=tx-1&amount=150&email=a%2Bb%40example.com',
      'https://t.example/pb?cid=aff%201&sum=150&tx=tx-1&ev=sale&cur=USD&m=a%2Bb%40example.com',
    ]);
    expect(results.map((r) => [r.rule, r.outcome, r.ok])).toEqual([
      ['tpl', 'sent', true],
      ['tracknow', 'sent', true],
    ]);
    expect(results[1]).toMatchObject({
      template: 'https://ns-tracking.example/postback',
      missing: ['nothing'],
    });
  });

  it('still takes kept params under their 0.1 name, params, when kept is absent', async () => {
    const { requests, send } = recorder();
    const rule: PostbackRule = { id: 'o', url: 'https://t.example/pb?s={sub1}' };
    await createDispatcher({ rules: [rule], send })({
      clickId: 'c',
      transactionId: 't-old',
      amount: 1,
      currency: 'USD',
      params: { sub1: 'old-name' },
    });
    expect(requests.map((r) => r.url)).toEqual(['https://t.example/pb?s=old-name']);
  });

  it('a field the conversion lacks leaves a kept param of that name visible', async () => {
    const { requests, send } = recorder();
    const rule: PostbackRule = { id: 'o', url: 'https://t.example/pb?offer={offer_id}&m={email}' };
    await createDispatcher({ rules: [rule], send })({
      clickId: 'c',
      transactionId: 't-kept',
      amount: 1,
      currency: 'USD',
      kept: { offer_id: 'spring', email: 'from-url@example.com' },
    });
    await createDispatcher({ rules: [rule], send })({
      clickId: 'c',
      transactionId: 't-own',
      amount: 1,
      currency: 'USD',
      offerId: 'own',
      email: 'own@example.com',
      kept: { offer_id: 'spring', email: 'from-url@example.com' },
    });
    expect(requests.map((r) => r.url)).toEqual([
      'https://t.example/pb?offer=spring&m=from-url%40example.com',
      'https://t.example/pb?offer=own&m=own%40example.com',
    ]);
  });

  it('amount 0 with no event is a lead; filters pick rules by event, status, affiliate, offer', async () => {
    const { requests, send } = recorder();
    const dispatch = createDispatcher({
      send,
      rules: [
        { id: 'lead', url: 'https://t/lead?e={event}', events: ['lead'] },
        { id: 'sale', url: 'https://t/sale', events: ['sale'] },
        { id: 'aff', url: 'https://t/aff', affiliate: 'A1', offers: ['o1', 'o2'] },
        { id: 'pending', url: 'https://t/pending', statuses: ['pending'] },
      ],
    });
    await dispatch(conversion({ amount: 0 }));
    expect(requests.map((r) => r.url)).toEqual(['https://t/lead?e=lead']);
    await dispatch(
      conversion({ transactionId: 'tx-2', affiliateId: 'A1', offerId: 'o2', status: 'pending' }),
    );
    expect(requests.slice(1).map((r) => r.url)).toEqual([
      'https://t/sale',
      'https://t/aff',
      'https://t/pending',
    ]);
  });

  it('POSTs the query as a form body, or as JSON when asked', async () => {
    const { requests, send } = recorder();
    await createDispatcher({
      send,
      rules: [
        { id: 'form', url: 'https://t/pb?c={click_id}&m={email}&k=a+b', method: 'POST' },
        {
          id: 'json',
          url: 'https://t/pb?c={click_id}&m={email}&n={amount}',
          method: 'POST',
          body: 'json',
          headers: { 'x-key': 'k' },
        },
      ],
    })(conversion());
    expect(requests[0]).toEqual({
      url: 'https://t/pb',
      method: 'POST',
      body: 'c=clk-1&m=a%2Bb%40example.com&k=a+b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(requests[1]).toMatchObject({
      url: 'https://t/pb',
      headers: { 'content-type': 'application/json', 'x-key': 'k' },
    });
    expect(JSON.parse(requests[1].body as string)).toEqual({ c: 'clk-1', m: 'a+b@example.com', n: '150' });
  });

  it('applies the currency hook before rendering', async () => {
    const { requests, send } = recorder();
    await createDispatcher({
      send,
      rules: [
        {
          id: 'eur',
          url: 'https://t/?a={amount}&p={payout}&c={currency}',
          currency: async (c) => ({ amount: c.amount * 0.5, payout: 10, currency: 'EUR' }),
        },
      ],
    })(conversion());
    expect(requests[0].url).toBe('https://t/?a=75&p=10&c=EUR');
  });

  it('fires each (transaction, rule) once, also for concurrent dispatches', async () => {
    const { requests, send } = recorder();
    const dispatch = createDispatcher({ rules, send });
    const all = await Promise.all(Array.from({ length: 20 }, () => dispatch(conversion())));
    expect(requests).toHaveLength(2);
    const outcomes = all.flat().map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(38);
  });

  it('gives the claim back when a send fails, so dispatching again sends only what failed', async () => {
    let failTpl = true;
    const { requests, send } = recorder((req) => ({
      ok: !(failTpl && req.url.startsWith('https://t.example')),
    }));
    const dispatch = createDispatcher({ rules, send, throwOnFailure: false });
    const first = await dispatch(conversion());
    expect(first.map((r) => r.outcome)).toEqual(['failed', 'sent']);
    failTpl = false;
    const second = await dispatch(conversion());
    expect(second.map((r) => r.outcome)).toEqual(['sent', 'duplicate']);
    expect(requests.filter((r) => r.url.startsWith('https://t.example'))).toHaveLength(2);
    expect(requests.filter((r) => r.url.startsWith('https://ns-tracking'))).toHaveLength(1);
  });

  it('a send that throws is a failure with its claim released; throwOnFailure raises PostbackError', async () => {
    let calls = 0;
    const dispatch = createDispatcher({
      rules: [rules[0]],
      throwOnFailure: true,
      send: async () => {
        calls++;
        throw new Error('boom');
      },
    });
    await expect(dispatch(conversion())).rejects.toBeInstanceOf(PostbackError);
    await expect(dispatch(conversion())).rejects.toMatchObject({
      code: 'postback_failed',
      results: [{ rule: 'tpl', error: 'boom' }],
    });
    expect(calls).toBe(2);
  });

  it('skips (without sending or claiming) a rule whose required values are missing', async () => {
    const { requests, send } = recorder();
    const dispatch = createDispatcher({
      send,
      rules: [{ id: 'r', url: 'https://t/?o={offer_id}', required: ['offer_id'] }],
    });
    const [entry] = await dispatch(conversion());
    expect(entry).toMatchObject({
      rule: 'r',
      outcome: 'skipped',
      attempts: 0,
      error: 'Missing required postback parameter(s): offer_id',
    });
    expect(requests).toHaveLength(0);
    const [again] = await dispatch(conversion({ offerId: 'o9' }));
    expect(again.outcome).toBe('sent');
  });

  it('logs one entry per postback, with secret-looking params redacted', async () => {
    const log: PostbackResult[] = [];
    const { requests, send } = recorder();
    await createDispatcher({
      send,
      log: (e) => log.push(e),
      rules: [{ id: 's', url: 'https://user:pw@t.example/pb?api_key=SECRET1&token={tok}&c={click_id}' }],
    })(conversion({ kept: { tok: 'SECRET2' } }));
    expect(requests[0].url).toBe('https://user:pw@t.example/pb?api_key=SECRET1&token=SECRET2&c=clk-1');
    expect(JSON.stringify(log)).not.toMatch(/SECRET|pw@/);
    expect(log[0]).toMatchObject({
      rule: 's',
      url: 'https://user:***@t.example/pb?api_key=***&token=***&c=clk-1',
      method: 'GET',
      status: 200,
      attempts: 1,
    });
  });

  it('refuses conversions without clickId or transactionId, and bad rule sets', async () => {
    const dispatch = createDispatcher({ rules });
    await expect(dispatch(conversion({ clickId: '', transactionId: '' }))).rejects.toMatchObject({
      missing: ['clickId', 'transactionId'],
    });
    expect(() => createDispatcher({ rules: [rules[0], rules[0]] })).toThrow(/unique/);
    expect(() => createDispatcher({ rules: [{ id: 'x' }] })).toThrow(/exactly one of url/);
  });

  it('memoryDedupe: claimed keys expire after ttl and the oldest are evicted beyond max', async () => {
    let t = 0;
    const store = memoryDedupe({ ttlMs: 10, max: 2, now: () => t });
    expect(await store.claim('a')).toBe(true);
    expect(await store.claim('a')).toBe(false);
    t = 11;
    expect(await store.claim('a')).toBe(true);
    await store.claim('b');
    await store.claim('c');
    expect(await store.claim('a')).toBe(true);
    expect(await store.claim('c')).toBe(false);
  });
});

describe('redactUrl', () => {
  it('hides token-like values and passwords, nothing else', () => {
    expect(redactUrl('https://u:p@h/x?sig=1&apiKey=2&click_id=3&auth=&t=4#k')).toBe(
      'https://u:***@h/x?sig=***&apiKey=***&click_id=3&auth=&t=4#k',
    );
  });
});

describe('buildPostbackUrl on odd bases', () => {
  it('a base ending in & or ? gets its params without an empty pair (no &&)', () => {
    expect(buildPostbackUrl('https://t.example/pb?a=1&', { b: 2 })).toBe('https://t.example/pb?a=1&b=2');
    expect(buildPostbackUrl('https://t.example/pb?', { b: 2, c: 3 })).toBe('https://t.example/pb?b=2&c=3');
    expect(buildPostbackUrl('https://t.example/pb?a=1&#h', { b: 2 })).toBe('https://t.example/pb?a=1&b=2#h');
    // An empty pair inside the query stays as written; with nothing to add the base is left alone.
    expect(buildPostbackUrl('https://t.example/pb?a=1&&c=3', { b: 2 })).toBe(
      'https://t.example/pb?a=1&&c=3&b=2',
    );
    expect(buildPostbackUrl('https://t.example/pb?a=1&', { b: null })).toBe('https://t.example/pb?a=1&');
  });

  it('property: never an empty pair where the params were added', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('?', '?a=1&', '?a=1&&', '?&', ''),
        fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
        (query, params) => {
          fc.pre(Object.keys(params).length > 0 && !('a' in params));
          const url = buildPostbackUrl(`https://t.example/pb${query}`, params);
          const pairs = url.slice(url.indexOf('?') + 1).split('&');
          // The base's own pairs as written, but a trailing empty one; then one non-empty pair per param.
          const own = query.slice(1).split('&');
          if (own[own.length - 1] === '') own.pop();
          expect(pairs.slice(0, own.length)).toEqual(own);
          expect(pairs.slice(own.length)).toHaveLength(Object.keys(params).length);
          for (const pair of pairs.slice(own.length)) expect(pair).toMatch(/^[^=&]+=/);
        },
      ),
    );
  });

  it('100,000 params are appended in linear time', { timeout: 20_000 }, () => {
    const params = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`p${i}`, i]));
    expect(buildPostbackUrl('https://t.example/pb?x=1', params)).toMatch(/&p99999=99999$/);
  });
});

describe('redactUrl on hostile and unusual URLs', () => {
  it('hides pwd, pw (as a word), password and credential values; a URL password that contains @', () => {
    expect(
      redactUrl(
        'https://u:p@ss@h/x?pwd=1&pw=2&user_pw=3&userPw=4&PW=5&password=6&credentials=7&pwa=8&upw=9&a=1',
      ),
    ).toBe(
      'https://u:***@h/x?pwd=***&pw=***&user_pw=***&userPw=***&PW=***&password=***&credentials=***&pwa=8&upw=9&a=1',
    );
  });

  it('hides a token that follows a ? inside another value, and in the fragment', () => {
    expect(redactUrl('https://h/x?next=/a?token=T1&b=2#?sig=S2')).toBe(
      'https://h/x?next=/a?token=***&b=2#?sig=***',
    );
  });

  it('is linear on a 1 MB URL made of ?, & and = (the old pattern backtracked quadratically)', {
    timeout: 20_000,
  }, () => {
    for (const unit of ['?', '?a', '&', '?a=', '=?']) {
      const url = `https://h/x?${unit.repeat(1_000_000 / unit.length)}&token=T`;
      expect(redactUrl(url).endsWith('token=***')).toBe(true);
    }
  });
});

describe('memoryDedupe is capped by age', () => {
  it('a postback claimed again within its ttl is a duplicate even after 100,000 newer keys', async () => {
    const store = memoryDedupe();
    expect(await store.claim('postback:old:net')).toBe(true);
    await store.done('postback:old:net');
    for (let i = 0; i < 100_000; i++) {
      await store.claim(`postback:t${i}:net`);
      await store.done(`postback:t${i}:net`);
    }
    expect(await store.claim('postback:old:net')).toBe(false);
  });

  it('expired keys leave first; max only guards memory, forgetting the oldest live keys', async () => {
    let t = 0;
    const store = memoryDedupe({ ttlMs: 10, max: 2, now: () => t });
    await store.claim('a');
    t = 5;
    await store.claim('b');
    t = 11; // a has expired, b has not
    expect(await store.claim('c')).toBe(true);
    expect(await store.claim('b')).toBe(false);
    expect(await store.claim('d')).toBe(true); // past max: b, the oldest live key, is forgotten
    expect(await store.claim('b')).toBe(true);
  });

  it('refuses a ttl or max that cannot work', () => {
    for (const options of [{ ttlMs: 0 }, { ttlMs: Number.NaN }, { max: 0 }, { max: 1.5 }, { now: 5 }])
      expect(() => memoryDedupe(options as never)).toThrow(
        expect.objectContaining({ code: 'invalid_option' }),
      );
  });
});

describe('dispatch when hooks hang, throw or reject', () => {
  const rule: PostbackRule = { id: 'net', url: 'https://t.example/pb?c={click_id}' };
  const sent = () => recorder();

  it('a dedupe store that never answers fails the postback after hookTimeoutMs; a late claim is given back', async () => {
    let grant: ((won: boolean) => void) | undefined;
    const released: string[] = [];
    const { requests, send } = sent();
    const dispatch = createDispatcher({
      rules: [rule],
      send,
      hookTimeoutMs: 20,
      throwOnFailure: false,
      dedupe: {
        claim: () => new Promise<boolean>((resolve) => (grant = resolve)),
        release: async (key) => void released.push(key),
      },
    });
    const [entry] = await dispatch(conversion());
    expect(entry).toMatchObject({
      rule: 'net',
      outcome: 'failed',
      error: expect.stringMatching(/claim\(\) took longer than 20 ms \(hookTimeoutMs\)/),
    });
    expect(requests).toHaveLength(0);
    grant?.(true);
    await expect.poll(() => released).toEqual(['postback:tx-1:net']);
  });

  it('a currency hook that hangs or throws fails only its own rule, and gives the claim back', async () => {
    const { requests, send } = sent();
    const log: PostbackResult[] = [];
    const dispatch = createDispatcher({
      send,
      hookTimeoutMs: 20,
      throwOnFailure: false,
      log: (e) => void log.push(e),
      rules: [
        { id: 'hangs', url: 'https://a.example/?a={amount}', currency: () => new Promise(() => {}) },
        {
          id: 'throws',
          url: 'https://b.example/?a={amount}',
          currency: () => {
            throw new Error('rates down');
          },
        },
        { id: 'fine', url: 'https://c.example/?a={amount}' },
      ],
    });
    const results = await dispatch(conversion());
    expect(results.map((r) => [r.rule, r.outcome])).toEqual([
      ['hangs', 'failed'],
      ['throws', 'failed'],
      ['fine', 'sent'],
    ]);
    expect(results[0]?.error).toMatch(/currency hook took longer than 20 ms/);
    expect(results[1]?.error).toBe('rates down');
    expect(log).toHaveLength(3);
    expect(requests.map((r) => r.url)).toEqual(['https://c.example/?a=150']);
    // Claims were given back: with the hooks mended, the next dispatch sends exactly those two.
    const again = await createDispatcher({ rules: [rule], send })(conversion());
    expect(again[0]?.outcome).toBe('sent');
  });

  it('a send that hangs is stopped after sendTimeoutMs: its signal aborts and the postback fails', async () => {
    let signal: AbortSignal | undefined;
    const dispatch = createDispatcher({
      rules: [rule],
      sendTimeoutMs: 30,
      throwOnFailure: false,
      send: (_req, options) => {
        signal = options?.signal;
        return new Promise(() => {});
      },
    });
    const [entry] = await dispatch(conversion());
    expect(entry).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/delivery took longer than 30 ms/),
    });
    expect(signal?.aborted).toBe(true);
  });

  it("a store whose done() fails after delivery: every rule's entry is still returned and logged", async () => {
    const store = memoryDedupe();
    const log: PostbackResult[] = [];
    const { send } = sent();
    const results = await createDispatcher({
      send,
      log: (e) => void log.push(e),
      rules: [rule, { id: 'second', url: 'https://s.example/pb?c={click_id}' }],
      dedupe: { ...store, done: () => Promise.reject(new Error('redis down')) },
    })(conversion());
    expect(results.map((r) => [r.rule, r.outcome, r.ok])).toEqual([
      ['net', 'sent', true],
      ['second', 'sent', true],
    ]);
    expect(results[0]?.error).toMatch(/delivered, but recording it failed: redis down/);
    expect(log).toHaveLength(2);
  });

  it('a store whose claim() throws fails that postback; the others are delivered and logged', async () => {
    const store = memoryDedupe();
    const { requests, send } = sent();
    const log: PostbackResult[] = [];
    const results = await createDispatcher({
      send,
      log: (e) => void log.push(e),
      rules: [rule, { id: 'second', url: 'https://s.example/pb?c={click_id}' }],
      dedupe: {
        ...store,
        claim: async (key) => {
          if (key.endsWith(':second')) throw new Error('store down');
          return store.claim(key);
        },
      },
      throwOnFailure: true,
    })(conversion()).catch((e: PostbackError) => e);
    expect(results).toBeInstanceOf(PostbackError);
    expect(log.map((e) => [e.rule, e.outcome])).toEqual([
      ['net', 'sent'],
      ['second', 'failed'],
    ]);
    expect(requests).toHaveLength(1);
  });

  it('a log that rejects (or throws) never becomes an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const { send } = sent();
      for (const log of [
        async () => {
          throw new Error('log sink down');
        },
        () => {
          throw new Error('log sink down');
        },
      ]) {
        const results = await createDispatcher({ rules: [rule], send, log })(
          conversion({ transactionId: `${Math.random()}` }),
        );
        expect(results[0]?.outcome).toBe('sent');
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('refuses a null conversion with the typed error, not a TypeError', async () => {
    await expect(createDispatcher({ rules: [rule] })(null as unknown as Conversion)).rejects.toBeInstanceOf(
      MissingParamsError,
    );
  });
});

describe('createDispatcher refuses configuration that cannot work, when it is created', () => {
  const ok: PostbackRule = { id: 'ok', url: 'https://t.example/pb?c={click_id}' };
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['rules not an array', { rules: ok }, /rules must be an array/],
    ['a rule that is not an object', { rules: [null] }, /Each rule must be an object/],
    ['url and params together', { rules: [{ ...ok, params: { a: '1' } }] }, /params go with base/],
    [
      'a non-string param template',
      { rules: [{ id: 'b', base: 'https://t.example/pb', params: { a: 1 } }] },
      /params must be/,
    ],
    ['a bad method', { rules: [{ ...ok, method: 'PUT' }] }, /method must be 'GET' or 'POST'/],
    ['a bad body', { rules: [{ ...ok, body: 'xml' }] }, /body must be 'form' or 'json'/],
    ['a bad missing mode', { rules: [{ ...ok, missing: 'drop' }] }, /missing must be/],
    ['a header with a line break', { rules: [{ ...ok, headers: { 'x-k': 'a\r\nb' } }] }, /line break/],
    ['filters that are not lists', { rules: [{ ...ok, events: 'sale' }] }, /events must be an array/],
    [
      'a currency hook that is not a function',
      { rules: [{ ...ok, currency: 'EUR' }] },
      /currency must be a function/,
    ],
    ['a rule send option', { rules: [{ ...ok, send: { retries: Number.NaN } }] }, /rule 'ok' send: retries/],
    ['sendOptions', { rules: [ok], sendOptions: { timeoutMs: 0 } }, /sendOptions: timeoutMs/],
    ['hookTimeoutMs', { rules: [ok], hookTimeoutMs: Number.NaN }, /hookTimeoutMs/],
    ['sendTimeoutMs', { rules: [ok], sendTimeoutMs: -1 }, /sendTimeoutMs/],
    [
      'a dedupe without release',
      { rules: [ok], dedupe: { claim: async () => true } },
      /dedupe must be a DedupeStore/,
    ],
    ['a log that is not a function', { rules: [ok], log: console }, /log must be a function/],
    [
      'credentials fetch refuses',
      { rules: [{ id: 'c', url: 'https://u:SECRET@t.example/pb' }] },
      /credentials.*authorization/,
    ],
  ])('%s', (_, options, message) => {
    let error: unknown;
    try {
      createDispatcher(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClickTrailError);
    expect((error as ClickTrailError).code).toMatch(/^invalid_(rule|option)$/);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('SECRET');
  });
});
