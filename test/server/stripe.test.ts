import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { isValidClickId } from '../../src/core/click';
import { toStripeReference } from '../../src/core/stripe-ref';
import { currencyExponent } from '../../src/server/currency';
import {
  ClickTrailError,
  conversionFromStripe,
  fromMinorUnits,
  type StripeEvent,
  StripeSignatureError,
  verifyStripeEvent,
} from '../../src/server/index';

const stripe = new Stripe('sk_test_clicktrail');
const secret = 'whsec_test_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH';
const now = () => Math.floor(Date.now() / 1000);
const sign = (payload: string, s = secret, timestamp = now()) =>
  stripe.webhooks.generateTestHeaderString({ payload, secret: s, timestamp });

const event = {
  id: 'evt_1',
  object: 'event',
  type: 'checkout.session.completed',
  data: {
    object: {
      id: 'cs_test_1',
      amount_total: 1999,
      currency: 'usd',
      client_reference_id: 'clk',
      payment_status: 'paid',
    },
  },
};
const compact = JSON.stringify(event);
const pretty = JSON.stringify(event, null, 2);
const utf8 = JSON.stringify({
  ...event,
  data: { object: { ...event.data.object, customer_details: { name: 'Zoë Łukasz 日本 🎉' } } },
});

const stripeAccepts = (
  body: string | Buffer,
  header: string | undefined,
  s: string | string[] = secret,
): boolean => {
  try {
    for (const one of [s].flat()) {
      try {
        stripe.webhooks.constructEvent(body, header as string, one);
        return true;
      } catch {}
    }
    return false;
  } catch {
    return false;
  }
};
const weAccept = async (
  body: unknown,
  header: string | undefined,
  s: string | string[] = secret,
  webCrypto = false,
) => {
  try {
    await verifyStripeEvent(body as string, header, s, { webCrypto });
    return true;
  } catch (e) {
    if (!(e instanceof StripeSignatureError)) throw e;
    return false;
  }
};

const rotated = (payload: string) => {
  const t = now();
  const old = sign(payload, 'whsec_old_secret', t).split(',')[1];
  const current = sign(payload, secret, t).split(',')[1];
  return `t=${t},${old},${current}`;
};

const vectors: [string, string | Buffer, string | undefined, boolean][] = [
  ['valid', compact, sign(compact), true],
  ['valid, as bytes', Buffer.from(compact), sign(compact), true],
  ['pretty-printed', pretty, sign(pretty), true],
  ['UTF-8', utf8, sign(utf8), true],
  ['UTF-8 as bytes', Buffer.from(utf8), sign(utf8), true],
  ['rotated secret (old v1 first)', compact, rotated(compact), true],
  ['tampered body', compact.replace('1999', '1990'), sign(compact), false],
  ['re-serialised pretty body', JSON.stringify(JSON.parse(pretty)), sign(pretty), false],
  ['tampered UTF-8', utf8.replace('Zoë', 'Zoe'), sign(utf8), false],
  ['expired', compact, sign(compact, secret, now() - 301), false],
  ['within tolerance', compact, sign(compact, secret, now() - 200), true],
  ['wrong secret', compact, sign(compact, 'whsec_other'), false],
  ['missing header', compact, undefined, false],
  ['empty header', compact, '', false],
  ['garbage header', compact, 'garbage', false],
  ['no timestamp', compact, sign(compact).replace(/^t=\d+,/, ''), false],
  ['no v1', compact, sign(compact).replace(',v1=', ',v0='), false],
  ['non-numeric timestamp', compact, sign(compact).replace(/^t=\d+/, 't=abc'), false],
  ['truncated signature', compact, sign(compact).slice(0, -2), false],
  [
    'upper-case hex',
    compact,
    sign(compact).replace(/v1=(\w+)/, (_, h: string) => `v1=${h.toUpperCase()}`),
    false,
  ],
  ['empty body', '', sign(''), false],
];

describe('verifyStripeEvent: parity with stripe.webhooks.constructEvent', () => {
  it.each(vectors)('%s', async (_, body, header, accepted) => {
    expect(stripeAccepts(body, header)).toBe(accepted);
    expect(await weAccept(body, header)).toBe(accepted);
    expect(await weAccept(body, header, secret, true)).toBe(accepted);
  });

  it('accepts any of several configured secrets', async () => {
    const header = sign(compact, 'whsec_second');
    expect(await weAccept(compact, header, [secret, 'whsec_second'])).toBe(true);
    expect(await weAccept(compact, header, [secret, 'whsec_third'])).toBe(false);
  });

  it('returns the parsed event', async () => {
    expect(await verifyStripeEvent(Buffer.from(utf8), sign(utf8), secret)).toEqual(JSON.parse(utf8));
    const buf = new TextEncoder().encode(compact).buffer;
    expect((await verifyStripeEvent(buf, sign(compact), secret)).id).toBe('evt_1');
  });

  it('honours toleranceSeconds and now', async () => {
    const header = sign(compact, secret, 1_000_000);
    await expect(verifyStripeEvent(compact, header, secret, { now: 1_000_100_000 })).resolves.toBeTruthy();
    await expect(
      verifyStripeEvent(compact, header, secret, { now: new Date(1_000_400_000) }),
    ).rejects.toMatchObject({ code: 'timestamp' });
    await expect(
      verifyStripeEvent(compact, header, secret, { now: 1_000_400_000, toleranceSeconds: 0 }),
    ).resolves.toBeTruthy();
  });
});

describe('verifyStripeEvent errors', () => {
  const failure = async (...args: Parameters<typeof verifyStripeEvent>) => {
    try {
      await verifyStripeEvent(...args);
    } catch (e) {
      return e as StripeSignatureError;
    }
    throw new Error('accepted');
  };

  it('says "pass the raw body" when given a parsed object', async () => {
    const e = await failure(JSON.parse(compact), sign(compact), secret);
    expect(e).toBeInstanceOf(StripeSignatureError);
    expect(e.code).toBe('raw_body');
    expect(e.message).toMatch(/raw request body/);
    expect(e.message).toMatch(/express\.raw/);
    expect(e.message).toMatch(/request\.text\(\)/);
  });

  it('names the code of each failure, and hints at the raw body on a mismatch', async () => {
    expect((await failure(compact, null, secret)).code).toBe('header_missing');
    expect((await failure(compact, 't=1', secret)).code).toBe('header_malformed');
    expect((await failure(compact, sign(compact, secret, now() - 1000), secret)).code).toBe('timestamp');
    const e = await failure(compact, sign(compact), `${secret}\n`);
    expect(e.code).toBe('no_match');
    expect(e.message).toMatch(/raw body/);
    expect(e.message).toMatch(/whitespace/);
  });

  it('never puts the secret or the signature in a message', async () => {
    const header = sign(compact, 'whsec_other');
    const e = await failure(compact, header, secret);
    expect(e.message).not.toContain(secret);
    expect(e.message).not.toContain(header.split('v1=')[1]);
  });

  it('a missing secret is a configuration error, not a bad request', async () => {
    const e = await failure(compact, sign(compact), '  ');
    expect(e).not.toBeInstanceOf(StripeSignatureError);
    expect(e).toBeInstanceOf(ClickTrailError);
    expect(e.code).toBe('stripe_secret');
  });
});

const session = (object: Record<string, unknown>, type = 'checkout.session.completed'): StripeEvent => ({
  id: 'evt_x',
  type,
  created: 1_700_000_000,
  data: {
    object: {
      id: 'cs_1',
      currency: 'usd',
      amount_total: 1999,
      payment_status: 'paid',
      client_reference_id: 'clk-1',
      ...object,
    },
  },
});

describe('conversionFromStripe', () => {
  it('turns a paid checkout session into a Conversion', () => {
    expect(
      conversionFromStripe(
        session({
          customer_details: { email: 'a@b.example' },
          metadata: { affid: '101', click_id: 'ignored' },
        }),
      ),
    ).toEqual({
      clickId: 'clk-1',
      transactionId: 'cs_1',
      amount: 19.99,
      currency: 'USD',
      event: 'sale',
      status: 'approved',
      email: 'a@b.example',
      timestamp: 1_700_000_000,
      kept: { affid: '101' },
    });
  });

  it('takes offerId and affiliateId from metadata, so offer and affiliate rule filters can match', () => {
    const c = conversionFromStripe(
      session({ metadata: { offer_id: 'pro', affiliate_id: 'A17', affid: '1' } }),
    );
    expect(c).toMatchObject({ offerId: 'pro', affiliateId: 'A17', kept: { offer_id: 'pro', affid: '1' } });
    expect(conversionFromStripe(session({ metadata: {} }))).not.toHaveProperty('offerId');
  });

  it('undoes the browser encoding of click ids Stripe would refuse', () => {
    const id = 'id/é+🎉';
    const ref = toStripeReference(id) as string;
    expect(ref).toMatch(/^ct64_/);
    expect(conversionFromStripe(session({ client_reference_id: ref }))?.clickId).toBe(id);
  });

  it.each([
    ['usd', 1999, 19.99],
    ['jpy', 500, 500],
    ['KRW', 15000, 15000],
    ['xof', 1000, 1000],
    ['kwd', 12340, 12.34],
    ['bhd', 1005, 1.005],
    ['eur', 1, 0.01],
    ['isk', 50000, 500],
  ])('%s %d → %d', (currency, amount, major) => {
    expect(conversionFromStripe(session({ currency, amount_total: amount }))?.amount).toBe(major);
    expect(fromMinorUnits(amount, currency)).toBe(major);
  });

  it('knows Stripe’s zero- and three-decimal currencies', () => {
    for (const c of 'BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' '))
      expect(currencyExponent(c)).toBe(0);
    for (const c of ['bhd', 'jod', 'kwd', 'omr', 'tnd']) expect(currencyExponent(c)).toBe(3);
    expect(currencyExponent('usd')).toBe(2);
    expect(currencyExponent('ND')).toBe(2);
  });

  it('waits for async payments, takes free sessions as leads-to-be, ignores other events', () => {
    expect(conversionFromStripe(session({ payment_status: 'unpaid' }))).toBeNull();
    expect(
      conversionFromStripe(session({ payment_status: 'unpaid' }, 'checkout.session.async_payment_succeeded'))
        ?.transactionId,
    ).toBe('cs_1');
    expect(
      conversionFromStripe(session({ payment_status: 'no_payment_required', amount_total: 0 }))?.amount,
    ).toBe(0);
    expect(conversionFromStripe(session({}, 'invoice.paid'))).toBeNull();
    expect(conversionFromStripe(session({ client_reference_id: null }))).toBeNull();
    expect(
      conversionFromStripe(session({ client_reference_id: null, metadata: { click_id: 'm1' } }))?.clickId,
    ).toBe('m1');
  });

  it('reads charge.succeeded from metadata (a charge has no client_reference_id)', () => {
    const charge = (object: Record<string, unknown>): StripeEvent => ({
      id: 'evt_c',
      type: 'charge.succeeded',
      data: { object: { id: 'ch_1', amount: 500, currency: 'jpy', payment_intent: 'pi_1', ...object } },
    });
    expect(
      conversionFromStripe(
        charge({ metadata: { tn_click_id: 'c9', sub1: 's' }, billing_details: { email: 'e@x' } }),
        { metadataKey: 'tn_click_id' },
      ),
    ).toEqual({
      clickId: 'c9',
      transactionId: 'pi_1',
      amount: 500,
      currency: 'JPY',
      event: 'sale',
      status: 'approved',
      email: 'e@x',
      kept: { sub1: 's' },
    });
    expect(conversionFromStripe(charge({ metadata: {} }))).toBeNull();
  });
});

describe('Stripe-Signature header parity with stripe-node, over generated headers', () => {
  const body = compact;
  const NOW_MS = 1_800_000_000_500;
  const NOW = Math.floor(NOW_MS / 1000);
  const hmac = (content: string) => createHmac('sha256', secret).update(content).digest('hex');
  /** stripe-node's verdict, the clock pinned (receivedAt) so both sides see the same second. */
  const stripeVerdict = (header: string, tolerance: number) => {
    try {
      stripe.webhooks.constructEvent(body, header, secret, tolerance, undefined, NOW_MS);
      return true;
    } catch {
      return false;
    }
  };
  const ourVerdict = async (header: string, toleranceSeconds: number, webCrypto = false) => {
    try {
      await verifyStripeEvent(body, header, secret, { toleranceSeconds, now: NOW_MS, webCrypto });
      return true;
    } catch (e) {
      if (e instanceof StripeSignatureError) return false;
      throw e;
    }
  };

  // A header is a list of items; `v1-good` is signed over `${t}.body` for whatever t stripe-node will read.
  type Item =
    | { kind: 't'; value: string }
    | { kind: 'v1-good' | 'v1-good-upper' | 'v1-good-truncated' | 'v1-good-extra' }
    | { kind: 'raw'; value: string };
  const tValue = fc.oneof(
    fc.constantFrom(
      `${NOW}`,
      `+${NOW}`,
      `0${NOW}`,
      ` ${NOW}`,
      `${NOW} `,
      `${NOW}abc`,
      `${NOW}.9`,
      `${NOW - 299}`,
      `${NOW - 301}`,
      `${NOW + 10_000}`,
      '-1',
      '-0',
      '1e3',
      '0x10',
      'abc',
      '',
      'NaN',
      'Infinity',
    ),
    fc.integer({ min: -2, max: NOW + 100 }).map(String),
    fc.string({ maxLength: 6 }),
  );
  const rawItem = fc.oneof(
    fc.constantFrom(
      'v1=',
      'v1',
      'v1==x',
      ' v1=00',
      'V1=00',
      'v0=00',
      't',
      't=',
      '',
      '=',
      `v1=${'0'.repeat(64)}`,
      `v1=${'é'.repeat(64)}`,
      `v1=${'0'.repeat(63)}é`,
      'v1=zz',
    ),
    fc.string({ maxLength: 8 }).map((s) => `v1=${s}`),
    fc.string({ maxLength: 8 }),
  );
  const item: fc.Arbitrary<Item> = fc.oneof(
    tValue.map((value) => ({ kind: 't' as const, value })),
    fc
      .constantFrom('v1-good', 'v1-good-upper', 'v1-good-truncated', 'v1-good-extra')
      .map((kind) => ({ kind })),
    rawItem.map((value) => ({ kind: 'raw' as const, value })),
  );
  const header = (items: Item[]): string => {
    // The timestamp stripe-node signs against: parseInt of the last `t` item's value (-1 when there is none).
    let t = -1;
    for (const i of items) if (i.kind === 't') t = Number.parseInt(i.value.split('=')[0] as string, 10);
    const good = hmac(`${t}.${body}`);
    return items
      .map((i) => {
        if (i.kind === 't') return `t=${i.value}`;
        if (i.kind === 'raw') return i.value;
        if (i.kind === 'v1-good') return `v1=${good}`;
        if (i.kind === 'v1-good-upper') return `v1=${good.toUpperCase()}`;
        if (i.kind === 'v1-good-truncated') return `v1=${good.slice(0, -1)}`;
        return `v1=${good}=extra`;
      })
      .join(',');
  };

  it('accepts and refuses exactly the headers stripe-node does (fast-check, side by side)', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { minLength: 0, maxLength: 5 }),
        fc.constantFrom(300, 0, 10),
        async (items, tolerance) => {
          const h = header(items);
          const expected = stripeVerdict(h, tolerance);
          if (expected) accepted++;
          expect(await ourVerdict(h, tolerance)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
    // The generator must reach both verdicts often, or the parity proves little.
    expect(accepted).toBeGreaterThan(100);
  });

  it.each([
    ['a plus sign before the timestamp', (g: (t: string) => string) => `t=+${NOW},v1=${g(`${NOW}`)}`, true],
    ['leading zeros', (g: (t: string) => string) => `t=00${NOW},v1=${g(`${NOW}`)}`, true],
    ['an empty v1 beside a valid one', (g: (t: string) => string) => `t=${NOW},v1=,v1=${g(`${NOW}`)}`, false],
    [
      'a v1 without "=" beside a valid one',
      (g: (t: string) => string) => `t=${NOW},v1,v1=${g(`${NOW}`)}`,
      false,
    ],
    [
      'a non-hex 64-character v1 beside a valid one',
      (g: (t: string) => string) => `t=${NOW},v1=${'é'.repeat(64)},v1=${g(`${NOW}`)}`,
      false,
    ],
    ['the last of two timestamps', (g: (t: string) => string) => `t=1,t=${NOW},v1=${g(`${NOW}`)}`, true],
    [
      't=-1, which stripe-node reads as no timestamp',
      (g: (t: string) => string) => `t=-1,v1=${g('-1')}`,
      false,
    ],
    [
      'a timestamp that is not a number, signed over NaN',
      (g: (t: string) => string) => `t=soon,v1=${g('NaN')}`,
      true,
    ],
    [
      'a timestamp that is not a number, signed over the text',
      (g: (t: string) => string) => `t=soon,v1=${g('soon')}`,
      false,
    ],
    ['a space after the comma', (g: (t: string) => string) => `t=${NOW}, v1=${g(`${NOW}`)}`, false],
  ])('agrees with stripe-node on %s', async (_, make, verdict) => {
    const h = make((t) => hmac(`${t}.${body}`));
    expect(stripeVerdict(h, 300)).toBe(verdict);
    expect(await ourVerdict(h, 300)).toBe(verdict);
    expect(await ourVerdict(h, 300, true)).toBe(verdict);
  });
});

describe('verifyStripeEvent configuration', () => {
  const header = () => sign(compact);

  it('a missing secret (undefined, null, blank, an empty list) is the typed stripe_secret error, not a TypeError', async () => {
    for (const missing of [undefined, null, '', ' \n', [], [''], [secret, ' '], 42]) {
      const error = await verifyStripeEvent(compact, header(), missing as string).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ClickTrailError);
      expect(error).not.toBeInstanceOf(StripeSignatureError);
      expect(error).toMatchObject({
        code: 'stripe_secret',
        message: expect.stringMatching(/STRIPE_WEBHOOK_SECRET/),
      });
    }
  });

  it('refuses a toleranceSeconds or now that would turn the replay check off', async () => {
    const old = sign(compact, secret, now() - 10_000);
    for (const toleranceSeconds of [Number.NaN, -1, Number.POSITIVE_INFINITY, '300' as unknown as number])
      await expect(verifyStripeEvent(compact, old, secret, { toleranceSeconds })).rejects.toMatchObject({
        code: 'invalid_option',
        message: expect.stringMatching(/toleranceSeconds must be/),
      });
    await expect(verifyStripeEvent(compact, old, secret, { now: Number.NaN })).rejects.toMatchObject({
      code: 'invalid_option',
    });
    await expect(verifyStripeEvent(compact, old, secret, { now: new Date('nope') })).rejects.toMatchObject({
      code: 'invalid_option',
    });
  });

  it('a signed body that is not a JSON event object is stripe_payload', async () => {
    for (const payload of ['null', 'not json', '[1]', '"text"', '42', 'true'])
      await expect(verifyStripeEvent(payload, sign(payload), secret)).rejects.toMatchObject({
        code: 'stripe_payload',
      });
  });
});

describe('conversionFromStripe on hostile or odd events', () => {
  it('returns null for null, undefined and values that are not events', () => {
    for (const junk of [
      null,
      undefined,
      'evt',
      42,
      [],
      {},
      { type: 'checkout.session.completed' },
      { data: null },
    ])
      expect(conversionFromStripe(junk as unknown as StripeEvent)).toBeNull();
    expect(conversionFromStripe(session({ amount_total: Number.NaN }))).toBeNull();
  });

  it('a ct64_ reference that decodes to CR/LF (or any invalid click id) is no click id', () => {
    expect(conversionFromStripe(session({ client_reference_id: 'ct64_YQ0KYg' }))).toBeNull();
    const forged = `ct64_${Buffer.from('a\u0000b').toString('base64url')}`;
    expect(conversionFromStripe(session({ client_reference_id: forged }))).toBeNull();
    // Undecodable: not what the browser makes.
    expect(conversionFromStripe(session({ client_reference_id: 'ct64_a' }))).toBeNull();
    // The metadata click id still counts, and is validated the same way.
    expect(
      conversionFromStripe(session({ client_reference_id: 'ct64_YQ0KYg', metadata: { click_id: 'm-1' } }))
        ?.clickId,
    ).toBe('m-1');
    expect(
      conversionFromStripe(session({ client_reference_id: null, metadata: { click_id: 'a\r\nb' } })),
    ).toBeNull();
  });

  it('property: any click id it returns passes the click id validation', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 20 }), (raw, meta) => {
        const ref = `ct64_${Buffer.from(raw).toString('base64url')}`;
        for (const c of [
          conversionFromStripe(session({ client_reference_id: ref })),
          conversionFromStripe(session({ client_reference_id: null, metadata: { click_id: meta } })),
        ])
          if (c) expect(isValidClickId(c.clickId)).toBe(true);
      }),
    );
  });

  it("names the event itself: 'sale' when paid, 'lead' when nothing was paid", () => {
    expect(conversionFromStripe(session({}))?.event).toBe('sale');
    expect(conversionFromStripe(session({}, 'checkout.session.async_payment_succeeded'))?.event).toBe('sale');
    expect(
      conversionFromStripe(session({ payment_status: 'no_payment_required', amount_total: 0 }))?.event,
    ).toBe('lead');
    expect(conversionFromStripe(session({ amount_total: 0 }))?.event).toBe('lead');
    const charge: StripeEvent = {
      id: 'evt_c',
      type: 'charge.succeeded',
      data: { object: { id: 'ch_1', amount: 500, currency: 'usd', metadata: { click_id: 'c' } } },
    };
    expect(conversionFromStripe(charge)?.event).toBe('sale');
  });
});
