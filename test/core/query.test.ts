import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/core/encode';
import { editQuery, setParam } from '../../src/core/query';
import { getParam } from './get-param';

// Raw URL pieces as pages write them: any text but the delimiters that would change the structure.
const raw = (exclude: RegExp) =>
  fc
    .string({ unit: fc.constantFrom(...'aZ09-_.~%+=!*()$,;:@/?é 😀'.split(''), 'x') })
    .map((s) => s.replace(exclude, ''));
const base = fc.constantFrom(
  'https://buy.stripe.com/test_abc',
  'https://shop.example/a/b',
  '/pricing',
  '',
  'x',
);
const pairs = fc.array(raw(/[#&]/g), { maxLength: 5 });
const hash = fc.option(
  raw(/(?:)/g).map((h) => `#${h}`),
  { nil: '' },
);
const url = fc
  .tuple(base, fc.option(pairs, { nil: undefined }), hash)
  .map(([b, p, h]) => (p === undefined ? b + h : `${b}?${p.join('&')}${h}`));
const name = fc.constantFrom('client_reference_id', 'click_id', 'affS1', 'a b', 'x&y');
const value = fc.string({ unit: 'binary', minLength: 1, maxLength: 30 });

const queryOf = (u: string): string => {
  const noHash = u.split('#')[0] as string;
  const q = noHash.indexOf('?');
  return q < 0 ? '' : noHash.slice(q + 1);
};
const hashOf = (u: string): string => (u.includes('#') ? u.slice(u.indexOf('#')) : '');

describe("getParam (the tests' reader of decorated links)", () => {
  it('returns the decoded value of the first match', () => {
    expect(getParam('https://x.test/?a=1&click_id=abc&click_id=def', 'click_id')).toBe('abc');
    expect(getParam('/p?q=a+b%20c%26d', 'q')).toBe('a b c&d');
    expect(getParam('/p?click%5Fid=7', 'click_id')).toBe('7');
  });
  it('tells absent from empty', () => {
    expect(getParam('/p?a=1', 'b')).toBeUndefined();
    expect(getParam('/p', 'a')).toBeUndefined();
    expect(getParam('/p?a=', 'a')).toBe('');
    expect(getParam('/p?a', 'a')).toBe('');
  });
  it('never reads the fragment', () => {
    expect(getParam('/p#a=1', 'a')).toBeUndefined();
    expect(getParam('/p?b=2#?a=1', 'a')).toBeUndefined();
  });
  it('returns undefined for a value that is not valid percent-encoding', () => {
    expect(getParam('/p?a=%E0%A4%A', 'a')).toBeUndefined();
    expect(getParam('/p?a=%zz&a=2', 'a')).toBeUndefined();
  });
});

describe('setParam', () => {
  it('adds the pair to a url without a query, before the fragment', () => {
    expect(setParam('https://buy.stripe.com/test_abc', 'client_reference_id', 'x1')).toBe(
      'https://buy.stripe.com/test_abc?client_reference_id=x1',
    );
    expect(setParam('https://buy.stripe.com/abc#top', 'c', 'x')).toBe('https://buy.stripe.com/abc?c=x#top');
    expect(setParam('/p?a=1#h?x=1&y', 'c', 'x')).toBe('/p?a=1&c=x#h?x=1&y');
  });
  it('adds no stray separator after a bare ? or a trailing &', () => {
    expect(setParam('/p?', 'c', 'x')).toBe('/p?c=x');
    expect(setParam('/p?a=1&', 'c', 'x')).toBe('/p?a=1&c=x');
    expect(setParam('/p?#h', 'c', 'x')).toBe('/p?c=x#h');
  });
  it('leaves every other pair exactly as written', () => {
    const u = 'https://t.example/?sub={affS1}&a=%7B1%7D&b=a+b&&c=%zz&d#frag';
    expect(setParam(u, 'click_id', 'v')).toBe(
      `https://t.example/?sub={affS1}&a=%7B1%7D&b=a+b&&c=%zz&d&click_id=v#frag`,
    );
  });
  it('keeps a non-empty existing value, even a malformed one', () => {
    expect(setParam('/p?c=old', 'c', 'new')).toBe('/p?c=old');
    expect(setParam('/p?c=%zz', 'c', 'new')).toBe('/p?c=%zz');
    expect(setParam('/p?c%5F=old', 'c_', 'new')).toBe('/p?c%5F=old');
  });
  it('replaces an empty existing value (and every empty duplicate) by the pair at the end', () => {
    expect(setParam('/p?a=1&c=&b=2#h', 'c', 'x y')).toBe('/p?a=1&b=2&c=x%20y#h');
    expect(setParam('/p?c&b=2&c=', 'c', 'x')).toBe('/p?b=2&c=x');
  });
  it('encodes the name and value once, as encodeURIComponent does', () => {
    expect(setParam('/p', 'x&y', "a&b=c#d%e+f g!'()*")).toBe("/p?x%26y=a%26b%3Dc%23d%25e%2Bf%20g!'()*");
  });

  it('inserts exactly one pair and changes nothing else (property)', () => {
    fc.assert(
      fc.property(url, name, value, (u, n, v) => {
        fc.pre(
          getParam(u, n) === undefined &&
            !queryOf(u)
              .split('&')
              .some((p) => decode(p.split('=')[0]!) === n),
        );
        const out = setParam(u, n, v);
        const pair = `${encodeURIComponent(n)}=${encodeURIComponent(v)}`;
        // Removing the pair (and the separator it needed) gives back the input.
        const pre = u.slice(0, u.length - hashOf(u).length);
        const q = pre.indexOf('?');
        const sep = q < 0 ? '?' : q === pre.length - 1 || pre.endsWith('&') ? '' : '&';
        expect(out).toBe(pre + sep + pair + hashOf(u));
        expect(getParam(out, n)).toBe(v);
      }),
    );
  });
  it('is idempotent and never overwrites (property)', () => {
    fc.assert(
      fc.property(url, name, value, value, (u, n, v, w) => {
        const once = setParam(u, n, v);
        expect(setParam(once, n, v)).toBe(once);
        expect(setParam(once, n, w)).toBe(once);
      }),
    );
  });
  it('keeps every other pair and the fragment (property)', () => {
    fc.assert(
      fc.property(url, name, value, (u, n, v) => {
        const out = setParam(u, n, v);
        const others = (s: string) =>
          queryOf(s)
            .split('&')
            .filter((p) => p && decode(p.split('=')[0]!) !== n);
        expect(others(out)).toEqual(others(u));
        expect(hashOf(out)).toBe(hashOf(u));
        expect(out.startsWith((u.split('#')[0] as string).split('?')[0] as string)).toBe(true);
      }),
    );
  });
});

describe('editQuery', () => {
  it('removes every named pair and keeps the rest and the fragment', () => {
    expect(editQuery('https://s.example/p?click_id=1&a=2&affS1=3&click_id=4#h', ['click_id', 'affS1'])).toBe(
      'https://s.example/p?a=2#h',
    );
    expect(editQuery('/p?click_id=1#h', ['click_id'])).toBe('/p#h');
    expect(editQuery('/p?click%5Fid=1&b=%7B', ['click_id'])).toBe('/p?b=%7B');
  });
  it('returns the very string when nothing is removed', () => {
    const u = '/p?a=1&&b=%zz#h?click_id=1';
    expect(editQuery(u, ['click_id'])).toBe(u);
  });
  it('undoes setParam on a url without the name (property)', () => {
    fc.assert(
      fc.property(url, name, value, (u, n, v) => {
        const out = editQuery(setParam(u, n, v), [n]);
        expect(getParam(out, n)).toBeUndefined();
        expect(hashOf(out)).toBe(hashOf(u));
      }),
    );
  });
});
