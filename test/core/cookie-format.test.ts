import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataCookieName, formatData, parseData } from '../../src/core/cookie-format';

describe('data cookie format', () => {
  it('is a query string: source, expiry, then the kept params', () => {
    expect(
      formatData({ src: 'affS1', exp: 1795000000, params: { affid: '101', utm_campaign: 'spring sale' } }),
    ).toBe('ct_src=affS1&ct_exp=1795000000&affid=101&utm_campaign=spring%20sale');
    expect(dataCookieName('click_id')).toBe('click_id_data');
  });

  it('drops kept params that would collide with the reserved ct_ keys', () => {
    expect(formatData({ src: 'a', exp: 1, params: { ct_src: 'evil', ct_x: 'y', ok: '1' } })).toBe(
      'ct_src=a&ct_exp=1&ok=1',
    );
  });

  it('parses tolerantly: malformed or unknown pairs are skipped, never thrown', () => {
    expect(parseData('ct_src=click_id&ct_exp=abc&%ZZ=1&x=%E0%A4%A&&=v&flag&affid=7')).toEqual({
      src: 'click_id',
      exp: 0,
      params: { flag: '', affid: '7' },
    });
    expect(parseData('')).toEqual({ src: '', exp: 0, params: {} });
  });

  it('keeps a kept param named __proto__ as an own property, never touching the prototype', () => {
    const { params } = parseData('ct_src=a&ct_exp=1&__proto__=x&constructor=y');
    expect(Object.entries(params)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
  });

  it('round-trips any values, and what js-cookie does to the value on the way is undone by one decode', () => {
    const key = fc.string({ minLength: 1 }).filter((k) => !k.startsWith('ct_'));
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.dictionary(key, fc.string()),
        (src, exp, params) => {
          const text = formatData({ src, exp, params });
          expect(parseData(text)).toEqual({ src, exp, params: { ...params } });
          // js-cookie's writer: encodeURIComponent, then a few characters put back; a server URI-decodes once.
          const onTheWire = encodeURIComponent(text).replace(
            /%(2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD])/g,
            decodeURIComponent,
          );
          expect(onTheWire).not.toMatch(/[;,\s"\\]/);
          expect(parseData(decodeURIComponent(onTheWire))).toEqual(parseData(text));
        },
      ),
    );
  });
});
