import Cookies from 'js-cookie';
import { afterEach, describe, expect, it } from 'vitest';
import { widestDomain } from '../../src/browser/domain';
import { installJar, type Jar, rawCookie } from './jar';

let jar: Jar | undefined;
/** document.cookie read whole, as the store reads it. */
const read = () => Cookies.get();
afterEach(() => jar?.restore());
// Probe writes, without the removals (an empty value that expires at once).
const tried = (j: Jar) =>
  j.writes.filter((w) => !/^[^=]*=;/.test(w)).map((w) => /domain=([^;]*)/.exec(w)?.[1]);

describe('widestDomain', () => {
  it('tries the broadest two-label domain first, keeps the first the browser accepts, deletes the probe', () => {
    jar = installJar('shop.example.co.uk');
    expect(widestDomain('shop.example.co.uk', read)).toBe('example.co.uk');
    expect(jar.cookies()).toEqual([]);
    // co.uk was tried first and refused
    expect(tried(jar)).toEqual(['co.uk', 'example.co.uk']);
  });

  it('goes down label by label to the full host', () => {
    jar = installJar('a.b.shop.example.test', { suffixes: ['test', 'example.test', 'shop.example.test'] });
    expect(widestDomain('a.b.shop.example.test', read)).toBe('b.shop.example.test');
    expect(tried(jar)).toEqual(['example.test', 'shop.example.test', 'b.shop.example.test']);
  });

  it('falls to the full host when every wider domain is a public suffix', () => {
    jar = installJar('user.github.io');
    expect(widestDomain('user.github.io', read)).toBe('user.github.io');
  });

  it('answers host-only for IPs and single-label hosts without writing anything', () => {
    jar = installJar('127.0.0.1');
    for (const h of [
      '127.0.0.1',
      '10.0.0.255',
      '[::1]',
      '[2001:db8::1]',
      '[::ffff:1.2.3.4]',
      'localhost',
      'intranet',
    ]) {
      expect(widestDomain(h, read)).toBe('');
    }
    expect(jar.writes).toEqual([]);
  });

  it('answers host-only when no cookie sticks at all', () => {
    jar = installJar('www.nocookies.com', { suffixes: ['nocookies.com', 'www.nocookies.com', 'com'] });
    expect(widestDomain('www.nocookies.com', read)).toBe('');
  });

  it('is not fooled by a stale probe cookie listed first', () => {
    jar = installJar('a.stale.com');
    rawCookie('ct_probe=old');
    rawCookie('ct_probe0.5=1');
    expect(widestDomain('a.stale.com', read)).toBe('stale.com');
  });
});
