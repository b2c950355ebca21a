import { afterEach, describe, expect, it } from 'vitest';
import { candidates, widestDomain } from '../../src/browser/domain';
import { installJar, type Jar, rawCookie } from './jar';

let jar: Jar | undefined;
afterEach(() => jar?.restore());

describe('candidates', () => {
  it('goes from the broadest two-label domain down to the full host', () => {
    expect(candidates('shop.example.co.uk')).toEqual(['co.uk', 'example.co.uk', 'shop.example.co.uk']);
    expect(candidates('example.com')).toEqual(['example.com']);
    expect(candidates('a.b.shop.example.test')).toEqual([
      'example.test',
      'shop.example.test',
      'b.shop.example.test',
      'a.b.shop.example.test',
    ]);
  });

  it('gives IP addresses and single-label hosts none (host-only cookies)', () => {
    for (const h of ['localhost', '127.0.0.1', '10.0.0.255', '[::1]', '::1', '[2001:db8::1]', 'intranet']) {
      expect(candidates(h)).toEqual([]);
    }
  });
});

describe('widestDomain', () => {
  it('keeps the first candidate the browser accepts and deletes the probe', () => {
    jar = installJar('shop.example.co.uk');
    expect(widestDomain('shop.example.co.uk')).toBe('example.co.uk');
    expect(jar.cookies()).toEqual([]);
    // co.uk was tried first and refused
    expect(jar.writes[0]).toMatch(/domain=co\.uk/);
  });

  it('falls to the full host when every wider domain is a public suffix', () => {
    jar = installJar('user.github.io');
    expect(widestDomain('user.github.io')).toBe('user.github.io');
  });

  it('answers host-only for IPs and localhost without writing anything', () => {
    jar = installJar('127.0.0.1');
    expect(widestDomain('127.0.0.1')).toBe('');
    expect(widestDomain('localhost')).toBe('');
    expect(jar.writes).toEqual([]);
  });

  it('caches the answer per host', () => {
    jar = installJar('www.cached.com');
    expect(widestDomain('www.cached.com')).toBe('cached.com');
    const n = jar.writes.length;
    expect(widestDomain('www.cached.com')).toBe('cached.com');
    expect(jar.writes.length).toBe(n);
  });

  it('answers host-only when no cookie sticks at all', () => {
    jar = installJar('www.nocookies.com', { suffixes: ['nocookies.com', 'www.nocookies.com', 'com'] });
    expect(widestDomain('www.nocookies.com')).toBe('');
  });

  it('is not fooled by a stale host-only probe cookie listed first', () => {
    jar = installJar('a.stale.com');
    rawCookie('ct_probe=old');
    expect(widestDomain('a.stale.com')).toBe('stale.com');
  });
});
