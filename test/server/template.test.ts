// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${x}` is one of the placeholder dialects under test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderPostback, renderPostbackDetailed, TemplateError } from '../../src/server/index';

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
      renderPostback('https://{host}.t.example:{port}/pb/{id}/x?c={id}', {
        host: 'evil.com/',
        port: 1,
        id: 'a/b',
      }),
    ).toBe('https://{host}.t.example:{port}/pb/a%2Fb/x?c=a%2Fb');
    expect(renderPostback('https://#host#/pb', { host: 'evil.com' })).toBe('https://#host#/pb');
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
