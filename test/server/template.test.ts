// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${x}` is one of the placeholder dialects under test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDispatcher,
  renderPostback,
  renderPostbackDetailed,
  TemplateError,
  UnsafeValueError,
} from '../../src/server/index';
import { encodeValue } from '../../src/server/template';

const wellFormed = (s: string): string => (s as string & { toWellFormed(): string }).toWellFormed();

describe('renderPostback dialects', () => {
  const values = { clickid: 'a b&c', payout: 12.5 };
  it.each([
    ['{x}', '{clickid}'],
    ['${x}', '${clickid}'],
    ['#x#', '#clickid#'],
    ['[x]', '[clickid]'],
    ['!!!x!!!', '!!!clickid!!!'],
    ['{{x}}', '{{clickid}}'],
    ['%7Bx%7D', '%7Bclickid%7D'],
    ['%7bx%7d (lower-case hex)', '%7bclickid%7d'],
    ['%24%7Bx%7D', '%24%7Bclickid%7D'],
    ['%23x%23', '%23clickid%23'],
    ['%5Bx%5D', '%5Bclickid%5D'],
    ['%7B%7Bx%7D%7D', '%7B%7Bclickid%7D%7D'],
    ['%21%21%21x%21%21%21', '%21%21%21clickid%21%21%21'],
  ])('substitutes %s once, encoded', (_, token) => {
    expect(
      renderPostback(
        `https://t.example/pb?cid=${token}&sum=${token.replace('clickid', 'payout')}&src=shop`,
        values,
      ),
    ).toBe('https://t.example/pb?cid=a%20b%26c&sum=12.5&src=shop');
  });

  it('renders the example of the issue', () => {
    expect(
      renderPostback('https://tracker.example/postback?clickid={affS1}&amount={payout}&source=shop', {
        affS1: 'xyz-1',
        payout: 150,
      }),
    ).toBe('https://tracker.example/postback?clickid=xyz-1&amount=150&source=shop');
  });

  it('leaves static params exactly as written (no re-serialisation)', () => {
    const t = 'https://t.example/pb?a=1+2&b=%7Bnot%20closed&c={x}&d=&e&f=%E2%82%AC&g={{unclosed}';
    expect(renderPostback(t, { x: 'v', unclosed: 'U' })).toBe(
      'https://t.example/pb?a=1+2&b=%7Bnot%20closed&c=v&d=&e&f=%E2%82%AC&g={U',
    );
  });

  it('never scans a substituted value again', () => {
    expect(renderPostback('https://t.example/?a={a}&b={b}', { a: '{b}', b: '#a#' })).toBe(
      'https://t.example/?a=%7Bb%7D&b=%23a%23',
    );
  });

  it('does not take a PHP-style key for a [x] token, nor an IPv6 host', () => {
    expect(
      renderPostback('http://[::1]:8080/pb?data[clickid]=1&c=[clickid]&d=%5Bclickid%5D', { clickid: 'Z' }),
    ).toBe('http://[::1]:8080/pb?data[clickid]=1&c=Z&d=Z');
  });

  it('substitutes in the path but never in the authority', () => {
    expect(
      renderPostback('https://{host}.t.example/pb/{id}/x?c={id}', {
        host: 'evil.com/',
        port: 1,
        id: 'a/b',
      }),
    ).toBe('https://{host}.t.example/pb/a%2Fb/x?c=a%2Fb');
    // A placeholder where the port goes can never make a valid URL: refused, with the reason.
    expect(() => renderPostback('https://t.example:{port}/pb', { port: 1 })).toThrow(
      expect.objectContaining({ code: 'invalid_template', message: expect.stringMatching(/host and port/) }),
    );
    expect(renderPostback('https://t#host#.example/pb', { host: 'evil.com' })).toBe(
      'https://t#host#.example/pb',
    );
  });

  it('keeps a real fragment and fills tokens inside it', () => {
    expect(renderPostback('https://t.example/pb?c=#id##/done?c={id}', { id: 'q' })).toBe(
      'https://t.example/pb?c=q#/done?c=q',
    );
    expect(renderPostback('https://t.example/pb?c={id}#section', { id: 'q' })).toBe(
      'https://t.example/pb?c=q#section',
    );
  });

  it('forgives case on a miss and ignores inherited names', () => {
    expect(renderPostback('https://t/?a={CLICKID}&b={constructor}&c={__proto__}', { clickid: 'k' })).toBe(
      'https://t/?a=k&b=&c=',
    );
  });

  it('formats numbers and booleans; NaN, null and undefined count as missing', () => {
    expect(
      renderPostbackDetailed('https://t/?a={a}&b={b}&c={c}&d={d}&e={e}', {
        a: 0,
        b: true,
        c: Number.NaN,
        d: null,
      }),
    ).toEqual({ url: 'https://t/?a=0&b=true&c=&d=&e=', missing: ['c', 'd', 'e'] });
  });
});

describe('unknown placeholders', () => {
  const t = 'https://t/?a={a}&b=%7Bnope%7D&c=[nope]&d={other}';
  it("'empty' (default) substitutes '' and reports each name once", () => {
    expect(renderPostbackDetailed(t, { a: 1 })).toEqual({
      url: 'https://t/?a=1&b=&c=&d=',
      missing: ['nope', 'other'],
    });
  });
  it("'keep' leaves the token as written", () => {
    expect(renderPostback(t, { a: 1 }, { missing: 'keep' })).toBe(
      'https://t/?a=1&b=%7Bnope%7D&c=[nope]&d={other}',
    );
  });
  it("'error' throws a TemplateError naming them", () => {
    const e = (() => {
      try {
        renderPostback(t, { a: 1 }, { missing: 'error' });
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(TemplateError);
    expect(e).toMatchObject({ code: 'unknown_placeholder', placeholders: ['nope', 'other'] });
    expect((e as Error).message).toContain('{nope}');
  });
});

describe('renderPostback properties', () => {
  const hostile = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.constantFrom(
      '{b}',
      '${b}',
      '#b#',
      '[b]',
      '%7Bb%7D',
      '&y=1',
      '#',
      '?',
      '/../',
      '%25',
      '%',
      '+',
      ' ',
      '=',
      '\u0000',
    ),
    fc
      .array(fc.constantFrom('{', '}', '#', '&', '=', '?', '/', '%', '2', '5', 'b', '[', ']', '$', '!'), {
        maxLength: 12,
      })
      .map((a) => a.join('')),
  );

  it('no value adds a parameter, changes the host, path or fragment; each is encoded exactly once', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const out = renderPostback('https://t.example/pb/{a}?x={a}&s=st%20atic&y=${b}&z=#a##frag', { a, b });
        const url = new URL(out);
        expect(url.host).toBe('t.example');
        expect(url.pathname.split('/')).toHaveLength(3);
        expect(decodeURIComponent(url.pathname.split('/')[2])).toBe(wellFormed(a));
        expect(url.hash).toBe('#frag');
        const pairs = url.search.slice(1).split('&');
        expect(pairs.map((p) => p.split('=')[0])).toEqual(['x', 's', 'y', 'z']);
        expect(pairs[1]).toBe('s=st%20atic');
        expect(decodeURIComponent(pairs[0].slice(2))).toBe(wellFormed(a));
        expect(decodeURIComponent(pairs[2].slice(2))).toBe(wellFormed(b));
        expect(decodeURIComponent(pairs[3].slice(2))).toBe(wellFormed(a));
      }),
      { numRuns: 500 },
    );
  });
});

// A path: segments of static pieces and placeholders (of either value), including the dot forms URL parsers resolve.
type Piece = { text: string; name?: 'a' | 'b' };
const piece: fc.Arbitrary<Piece> = fc.oneof(
  fc.constantFrom('', '.', '..', '%2e', '%2E', '.%2e', 'x', 'acct42', '%252e').map((text) => ({ text })),
  fc
    .constantFrom<[string, 'a' | 'b']>(
      ['{a}', 'a'],
      ['{b}', 'b'],
      ['${a}', 'a'],
      ['#b#', 'b'],
      ['%7Ba%7D', 'a'],
      ['{{b}}', 'b'],
      ['!!!a!!!', 'a'],
    )
    .map(([text, name]) => ({ text, name })),
);
const segments = fc.array(fc.array(piece, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 });
const hostileValue = fc.oneof(
  fc.constantFrom('.', '..', '...', '%2e', '%2e%2e', '/..', '../', '\\..', '?', '#', '', ' ', '.\u0000'),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.array(fc.constantFrom('.', '/', '%', '2', 'e', 'E', '\\'), { maxLength: 5 }).map((a) => a.join('')),
);
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

describe('a value never changes which path a postback goes to', () => {
  it('refuses a click id of . or .. (encoded or not) that would make a dot segment', () => {
    const t = 'https://t.example/acct42/postback/{click_id}?c={click_id}';
    for (const id of ['..', '.'])
      expect(() => renderPostback(t, { click_id: id })).toThrow(
        expect.objectContaining({ code: 'unsafe_value', placeholder: 'click_id' }),
      );
    expect(() => renderPostback(t, { click_id: '..' })).toThrow(UnsafeValueError);
    // With the template's own dots or %2e around it, or two values making one segment.
    expect(() => renderPostback('https://t.example/a/.{x}/b', { x: '.' })).toThrow(UnsafeValueError);
    expect(() => renderPostback('https://t.example/a/%2E{x}/b', { x: '.' })).toThrow(UnsafeValueError);
    expect(() => renderPostback('https://t.example/a/{x}{y}', { x: '.', y: '.' })).toThrow(UnsafeValueError);
    expect(() => renderPostback('https://t.example/a/.{x}', { y: 1 })).toThrow(UnsafeValueError);
    // Encoded dots in a value are encoded once more, so they stay a literal segment.
    expect(renderPostback(t, { click_id: '%2e%2e' })).toBe(
      'https://t.example/acct42/postback/%252e%252e?c=%252e%252e',
    );
    // In the query and the fragment a dot is just a dot; in a longer segment too.
    expect(renderPostback('https://t.example/p/{x}.json?c={x}#{x}', { x: '..' })).toBe(
      'https://t.example/p/...json?c=..#..',
    );
  });

  it('skips (and logs) a postback whose value is refused, sending nothing', async () => {
    const sent: string[] = [];
    const [entry] = await createDispatcher({
      rules: [{ id: 'path', url: 'https://t.example/acct42/postback/{click_id}' }],
      send: async (req) => {
        sent.push(req.url);
        return { url: req.url, method: 'GET', outcome: 'sent', ok: true, attempts: 1, durationMs: 0 };
      },
    })({ clickId: '..', transactionId: 't-dots', amount: 1, currency: 'USD' });
    expect(entry).toMatchObject({ outcome: 'skipped', error: expect.stringMatching(/click_id.*'\.\.'/) });
    expect(sent).toEqual([]);
  });

  it('property: rendered, the path has the same segments with each value in its place, or the value is refused', () => {
    fc.assert(
      fc.property(segments, hostileValue, hostileValue, (segs, a, b) => {
        const template = `https://t.example:8443/${segs.map((s) => s.map((p) => p.text).join('')).join('/')}?q={a}`;
        const encoded = { a: encodeValue(wellFormed(a)), b: encodeValue(wellFormed(b)) };
        // What each segment must be: the statics as written, each placeholder its value, encoded once.
        const expected = segs.map((s) => s.map((p) => (p.name ? encoded[p.name] : p.text)).join(''));
        // Refused exactly when a segment holding a value is a dot segment.
        const unsafe = expected.some((seg, i) => segs[i]?.some((p) => p.name) && DOT_SEGMENT.test(seg));
        let out: string;
        try {
          out = renderPostback(template, { a, b });
        } catch (e) {
          expect(e).toBeInstanceOf(UnsafeValueError);
          expect(unsafe).toBe(true);
          return;
        }
        expect(unsafe).toBe(false);
        const url = new URL(out);
        expect([url.protocol, url.hostname, url.port]).toEqual(['https:', 't.example', '8443']);
        // Static dot segments are the template's own: resolve them the same way on both sides.
        expect(url.pathname).toBe(new URL(`https://t.example:8443/${expected.join('/')}`).pathname);
        expect(url.pathname.split('/').length).toBeLessThanOrEqual(expected.length + 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('templates URL parsers would read differently are refused', () => {
  it.each([
    [' https://{x}.t.example/pb', /whitespace/],
    ['https://t.example/pb?c={x}\n', /line break/],
    ['ht\ttps://{x}/pb', /tab/],
    ['https:/{x}.t.example/pb', /must start with 'https:\/\/'/],
    ['https:\\\\{x}.t.example/pb', /must start with/],
    ['https:\\/{x}.t.example/pb', /must start with/],
    ['https:{x}.t.example/pb', /must start with/],
    ['https://t.example\\{x}/pb', /backslash/],
    ['//t.example/pb?c={x}', /must start with/],
    ['ftp://t.example/{x}', /must start with/],
    ['javascript:{x}', /must start with/],
  ])('%j', (template, message) => {
    expect(() => renderPostback(template, { x: 'evil.example' })).toThrow(
      expect.objectContaining({ code: 'invalid_template', message: expect.stringMatching(message) }),
    );
  });

  it('are refused by createDispatcher when it is created, naming the rule', () => {
    expect(() => createDispatcher({ rules: [{ id: 'ws', url: ' https://{x}.t.example/pb' }] })).toThrow(
      expect.objectContaining({
        code: 'invalid_rule',
        message: expect.stringMatching(/Rule 'ws': url .* trim it/),
      }),
    );
  });

  it('property: whatever is inserted in the scheme and authority, a value never picks the scheme, host or port', () => {
    const noise = fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\r',
      '\\',
      '/',
      ':',
      '\u0000',
      '\u000b',
      '@',
      '#',
      '?',
      '{x}',
    );
    const mutated = fc
      .tuple(fc.array(fc.tuple(fc.nat({ max: 30 }), noise), { maxLength: 3 }), fc.boolean())
      .map(([inserts, upper]) => {
        let t = `${upper ? 'HTTPS' : 'https'}://{x}.t.example:8080/p/{x}?c={x}`;
        for (const [at, s] of inserts) t = t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1));
        return t;
      });
    fc.assert(
      fc.property(mutated, hostileValue, (template, value) => {
        let one: string;
        let two: string;
        try {
          one = renderPostback(template, { x: value });
          two = renderPostback(template, { x: 'other-value' });
        } catch (e) {
          expect((e as { code?: string }).code).toMatch(/^(invalid_template|unsafe_value)$/);
          return;
        }
        const [u1, u2] = [new URL(one), new URL(two)];
        expect([u1.protocol, u1.username, u1.password, u1.host]).toEqual([
          u2.protocol,
          u2.username,
          u2.password,
          u2.host,
        ]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('hostile template sizes render in linear time', () => {
  // The guard is the test's own timeout: quadratic code takes minutes on these, linear code milliseconds.
  it('100,000 distinct missing placeholders', { timeout: 20_000 }, () => {
    const template = `https://t.example/?${Array.from({ length: 100_000 }, (_, i) => `p${i}={n${i}}`).join('&')}`;
    expect(renderPostbackDetailed(template, { unrelated: 1 }).missing).toHaveLength(100_000);
  });

  it('160,000 bracket tokens in one query value', { timeout: 20_000 }, () => {
    const template = `https://t.example/?a=${'[x]'.repeat(160_000)}`;
    expect(renderPostback(template, { x: 'y' })).toBe(`https://t.example/?a=${'y'.repeat(160_000)}`);
  });

  it('40,000 case-insensitive lookups among 40,000 values', { timeout: 20_000 }, () => {
    const values = Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`v${i}`, i]));
    const template = `https://t.example/?${Array.from({ length: 40_000 }, (_, i) => `p${i}={V${i}}`).join('&')}`;
    expect(renderPostback(template, values)).toMatch(/p39999=39999$/);
  });
});
