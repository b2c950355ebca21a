import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expiryFor, isReservedName, isValidClickId, isValidKeptValue, liveClick } from '../../src/core/click';

const MAX_VALUE_LENGTH = 256;

// Plain characters mixed with every kind the rule must catch, so long and hostile strings both come up often.
const CHARS = fc.constantFrom(
  'a',
  'Z',
  '9',
  'é',
  '€',
  ';',
  '%',
  ' ',
  '\t',
  '\n',
  '\u0000',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\u3000',
);

describe('isValidClickId', () => {
  it('accepts ordinary ids', () => {
    for (const id of [
      'abc',
      '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
      'a;b=c',
      'ü€',
      'x'.repeat(MAX_VALUE_LENGTH),
    ]) {
      expect(isValidClickId(id)).toBe(true);
    }
  });

  it('refuses empty, too long, whitespace, control characters and non-strings', () => {
    const bad = [
      '',
      'x'.repeat(MAX_VALUE_LENGTH + 1),
      'a b',
      ' a',
      'a\t',
      'a\nb',
      'a\u0000',
      'a\u007f',
      'a\u0085',
    ];
    for (const v of [
      ...bad,
      'a\ufffdb',
      'a\u009f',
      'a\u00a0b',
      'a\u2028b',
      'a\u3000b',
      '\ufeffa',
      undefined,
      null,
      1,
      {},
      ['a'],
    ]) {
      expect(isValidClickId(v)).toBe(false);
    }
  });

  it('holds for every string: valid ids have no whitespace/control and fit the length', () => {
    fc.assert(
      fc.property(fc.string({ unit: CHARS, maxLength: 300 }), (s) => {
        const ok = s.length > 0 && s.length <= MAX_VALUE_LENGTH && !/[\s\u0000-\u001f\u007f-\u009f]/.test(s);
        expect(isValidClickId(s)).toBe(ok);
      }),
    );
  });
});

describe('isValidKeptValue', () => {
  it('allows inner spaces but not surrounding ones or controls', () => {
    expect(isValidKeptValue('spring sale')).toBe(true);
    expect(isValidKeptValue('x'.repeat(256))).toBe(true);
    for (const v of [' spring', 'sale ', 'a\tb', 'a\u0007', 'a\ufffdb', '', 'x'.repeat(257), 5])
      expect(isValidKeptValue(v)).toBe(false);
  });

  it('accepts every valid click id', () => {
    fc.assert(fc.property(fc.string(), (s) => !isValidClickId(s) || isValidKeptValue(s)));
  });
});

describe('expiryFor / liveClick', () => {
  it('gives a click made now a lifetime of whole seconds, and counts it live until then', () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 0, 500);
    const exp = expiryFor(now, 2);
    expect(exp).toBe(Math.floor(now / 1000) + 2 * 86400);
    const click = { id: 'abc', src: 'click_id', exp, kept: {} };
    expect(liveClick(click, now)).toBe(click);
    expect(liveClick(click, exp * 1000 - 1)).toBe(click);
    expect(liveClick(click, exp * 1000)).toBeUndefined();
  });

  it('refuses a click whose id is not a valid click id, and nothing at all', () => {
    expect(liveClick({ id: 'a b', src: '', exp: 2 ** 40, kept: {} }, 0)).toBeUndefined();
    expect(liveClick(undefined, 0)).toBeUndefined();
    expect(liveClick(null, 0)).toBeUndefined();
  });

  it('reserves the ct_ prefix and nothing else', () => {
    expect(isReservedName('ct_exp')).toBe(true);
    expect(isReservedName('ct_')).toBe(true);
    expect(isReservedName('act_id')).toBe(false);
    expect(isReservedName('CT_exp')).toBe(false);
  });
});
