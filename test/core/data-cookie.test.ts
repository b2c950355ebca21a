import fc from 'fast-check';
import Cookies from 'js-cookie';
import { describe, expect, it } from 'vitest';
import { captureClick } from '../../src/core/capture';
import { isValidKeptValue } from '../../src/core/click';
import { dataCookieName, fitData, formatData, MAX_COOKIE_BYTES, parseData } from '../../src/core/data-cookie';

describe('data cookie format', () => {
  it('is a URL query: source, expiry, then the kept params in order (a space is +)', () => {
    expect(
      formatData({ src: 'affS1', exp: 1795000000, kept: { affid: '101', utm_campaign: 'spring sale' } }),
    ).toBe('ct_src=affS1&ct_exp=1795000000&affid=101&utm_campaign=spring+sale');
    expect(dataCookieName('click_id')).toBe('click_id_data');
  });

  it('never holds a kept param with a reserved ct_ name: the two ways in, capture and parseData, refuse them', () => {
    // (formatData writes what it is given: its input only ever comes from these two.)
    expect(
      captureClick('?click_id=a&ct_src=evil&ct_exp=9&ok=1', ['click_id'], ['ct_src', 'ct_exp', 'ok']),
    ).toEqual({
      id: 'a',
      src: 'click_id',
      kept: { ok: '1' },
    });
    expect(parseData('ct_src=a&ct_exp=1&ct_x=y&ok=1&ct_src=evil')).toEqual({
      src: 'a',
      exp: 1,
      kept: { ok: '1' },
    });
  });

  it('reads leniently, as browsers read queries: unknown, empty-named and invalid pairs are skipped, never thrown', () => {
    expect(parseData('ct_src=click_id&ct_exp=abc&ct_other=1&x=%E0%A4%A&&=v&flag&affid=7&k=%ZZ')).toEqual({
      src: 'click_id',
      exp: 0,
      kept: { affid: '7', k: '%ZZ' },
    });
    expect(parseData('')).toEqual({ src: '', exp: 0, kept: {} });
    // RFC 3986 escapes (`%20`) read the same as `+`.
    expect(parseData('ct_src=a&ct_exp=1&c=spring%20sale').kept).toEqual({ c: 'spring sale' });
  });

  it('keeps a kept param named __proto__ as an own property, never touching the prototype', () => {
    const { kept } = parseData('ct_src=a&ct_exp=1&__proto__=x&constructor=y');
    expect(Object.entries(kept)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
  });

  it('round-trips every valid click, also through js-cookie’s converter (the cookie layer on both sides)', () => {
    const name = fc.string({ minLength: 1 }).filter((k) => !k.startsWith('ct_'));
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.dictionary(name, fc.string().filter(isValidKeptValue)),
        (src, exp, kept) => {
          const text = formatData({ src, exp, kept });
          expect(parseData(text)).toEqual({ src, exp, kept: { ...kept } });
          const onTheWire = Cookies.converter.write(text, 'click_id_data');
          // Nothing that could end the cookie or start an attribute.
          expect(onTheWire).not.toMatch(/[;,\s"\\]/);
          expect(parseData(Cookies.converter.read(onTheWire, 'click_id_data'))).toEqual(parseData(text));
        },
      ),
    );
  });
});

describe('fitData: the 4 KB a browser allows a cookie', () => {
  const click = (kept: Record<string, string>) => ({ id: 'abc', src: 'click_id', exp: 1795000000, kept });
  /** The bytes a browser counts for the data cookie: its name, `=`, and the value js-cookie writes. */
  const size = (name: string, c: ReturnType<typeof click>) =>
    name.length + 1 + Cookies.converter.write(formatData(c), name).length;

  it('keeps every param while the cookie fits, and returns the click unchanged in value', () => {
    const small = click({ affid: '101', campaign: 'spring sale' });
    expect(fitData(small, 'click_id_data')).toEqual(small);
  });

  it('takes params in order, drops one that does not fit (told to onDropped), and a later shorter one still fits', () => {
    const kept = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, 'é'.repeat(64)]));
    const dropped: string[] = [];
    const fitted = fitData(click({ ...kept, last: 'x' }), 'click_id_data', (name) => dropped.push(name));
    const names = Object.keys(fitted.kept);
    expect(names.at(-1)).toBe('last');
    expect(names.slice(0, -1)).toEqual(Object.keys(kept).slice(0, names.length - 1));
    expect(dropped).toEqual(Object.keys(kept).slice(names.length - 1));
    expect(size('click_id_data', fitted)).toBeLessThanOrEqual(MAX_COOKIE_BYTES);
    // …and as full as it can be: the first param dropped would not have fitted.
    const withNext = { ...fitted, kept: { ...fitted.kept, [dropped[0]!]: kept[dropped[0]!]! } };
    expect(size('click_id_data', withNext)).toBeGreaterThan(MAX_COOKIE_BYTES);
  });

  it('counts the cookie name too, and keeps a __proto__ param as a plain one', () => {
    // 250 × é is 2,500 bytes once encoded twice (%25C3%25A9): it fits beside a short name, not beside a long one.
    const wide = click({ a: 'é'.repeat(250) });
    expect(fitData(wide, 'click_id_data').kept).toEqual(wide.kept);
    expect(fitData(wide, `${'n'.repeat(2000)}_data`).kept).toEqual({});
    const proto = fitData(click(JSON.parse('{"__proto__":"p","b":"q"}')), 'click_id_data');
    expect(Object.keys(proto.kept)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(proto.kept)).toBe(Object.prototype);
  });
});
