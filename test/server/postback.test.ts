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
