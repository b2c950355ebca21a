import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/core/encode';

describe('encode', () => {
  it('percent-encodes RFC 3986 reserved characters, including those encodeURIComponent leaves', () => {
    expect(encode("a b&c=d!'()*~-_.")).toBe('a%20b%26c%3Dd%21%27%28%29%2A~-_.');
    expect(encode('é#/?;')).toBe('%C3%A9%23%2F%3F%3B');
  });

  it('leaves only unreserved characters and percent-escapes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(encode(s)).toMatch(/^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
      }),
    );
  });

  it('round-trips through decode', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => decode(encode(s)) === s));
  });
});

describe('decode', () => {
  it('reads + as a space, as query strings do', () => {
    expect(decode('a+b%2Bc')).toBe('a b+c');
  });

  it('returns undefined for malformed percent-encoding instead of throwing', () => {
    for (const v of ['%', '%Z1', '%E0%A4%A', '%FF', '%C3%28']) expect(decode(v)).toBeUndefined();
  });

  it('never throws', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('%', 'A', 'f', '0', '9', 'Z', '+', 'é', '\uD800'), maxLength: 40 }),
        (s) => {
          decode(s);
        },
      ),
    );
  });
});
