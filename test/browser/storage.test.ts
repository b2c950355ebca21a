import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { now, store } from '../../src/browser/storage';
import type { ClickData } from '../../src/core/click';
import { installJar, type Jar, rawCookie, setUrl } from './jar';

const quiet = () => {};
// The expiry given to an id cookie found without its data cookie (init passes capture time + days).
const EXP = now() + 365 * 86400;
let jar: Jar;
const data = (id = 'abc', exp = now() + 3600): ClickData => ({
  id,
  src: 'click_id',
  exp,
  kept: { affid: '101' },
});
const cookie = (name: string) => jar.cookies().find((c) => c.name === name);
const mirror = () => JSON.parse(localStorage.getItem('click_id') as string);

beforeEach(() => {
  setUrl('https://shop.example.co.uk/');
  jar = installJar('shop.example.co.uk');
  localStorage.clear();
});
afterEach(() => {
  jar.restore();
  vi.restoreAllMocks();
});

describe('save', () => {
  it('writes the id and data cookies on the widest domain with the contract attributes, and the mirror', () => {
    const d = data();
    store('click_id', EXP, 'auto', quiet)._save(d);
    expect(cookie('click_id')).toMatchObject({ value: 'abc', domain: 'example.co.uk' });
    const c = cookie('click_id_data');
    expect(c?.value).toBe(`ct_src=click_id&ct_exp=${d.exp}&affid=101`);
    expect(c?.attrs).toEqual({
      path: '/',
      domain: 'example.co.uk',
      expires: new Date(d.exp * 1000).toUTCString(),
      samesite: 'Lax',
      secure: true,
    });
    expect(mirror()).toEqual(d);
  });

  it('leaves Secure off on http and uses an explicit domain or host-only as told', () => {
    setUrl('http://shop.example.co.uk/');
    store('click_id', EXP, 'shop.example.co.uk', quiet)._save(data());
    expect(cookie('click_id')?.attrs).not.toHaveProperty('secure');
    expect(cookie('click_id')?.domain).toBe('shop.example.co.uk');
    jar.wipe();
    store('click_id', EXP, false, quiet)._save(data());
    expect(cookie('click_id')?.attrs).not.toHaveProperty('domain');
    expect(cookie('click_id')?.domain).toBe('');
  });

  it('logs where it stored, and when the cookie did not stick', () => {
    const log = vi.fn();
    store('click_id', EXP, 'auto', log)._save(data());
    expect(log).toHaveBeenCalledWith('stored', 'example.co.uk');
    jar.wipe();
    store('click_id', EXP, 'other.com', log)._save(data());
    expect(log).toHaveBeenCalledWith('blocked', 'other.com');
  });

  it('encodes the data cookie twice-safe: values with & = % ; survive the round trip', () => {
    const s = store('click_id', EXP, 'auto', quiet);
    const d = { ...data('a;b=c%'), kept: { q: 'x&y=z;%', 'we ird': 'v' } };
    s._save(d);
    const written = jar.writes.filter((w) => w.startsWith('click_id') && !/^[^=]*=;/.test(w));
    expect(written.map((w) => w.split(';').length)).toEqual([5 + 1, 5 + 1]);
    localStorage.clear();
    expect(s._load(false)).toEqual(d);
  });
});

describe('load and repair', () => {
  it('prefers the cookie (shared across subdomains) and refreshes a mirror holding another click', () => {
    const s = store('click_id', EXP, 'auto', quiet);
    s._save(data('new'));
    localStorage.setItem('click_id', JSON.stringify(data('old')));
    expect(s._load(true)?.id).toBe('new');
    expect(mirror().id).toBe('new');
  });

  it('rewrites the cookies from the mirror with the remaining lifetime', () => {
    const s = store('click_id', EXP, 'auto', quiet);
    const d = data('abc', now() + 1000);
    s._save(d);
    jar.wipe();
    expect(s._load(true)).toEqual(d);
    expect(cookie('click_id')).toMatchObject({ value: 'abc', domain: 'example.co.uk' });
    expect(cookie('click_id')?.attrs.expires).toBe(new Date(d.exp * 1000).toUTCString());
    expect(cookie('click_id_data')?.value).toContain('affid=101');
  });

  it('rewrites the mirror from the cookies', () => {
    const s = store('click_id', EXP, 'auto', quiet);
    const d = data();
    s._save(d);
    localStorage.clear();
    expect(s._load(true)).toEqual(d);
    expect(mirror()).toEqual(d);
  });

  it('reads a mirror written by 0.1.0, whose kept params were named params', () => {
    const s = store('click_id', EXP, 'auto', quiet);
    const { kept, ...rest } = data('legacy');
    localStorage.setItem('click_id', JSON.stringify({ ...rest, params: kept }));
    expect(s._load(true)).toMatchObject({ id: 'legacy', kept: { affid: '101' } });
    // …and the repair writes the cookies from it.
    expect(cookie('click_id')?.value).toBe('legacy');
    expect(cookie('click_id_data')?.value).toContain('affid=101');
  });

  it('repairs nothing while consent is pending', () => {
    const s = store('click_id', EXP, 'auto', quiet);
    s._save(data());
    localStorage.clear();
    const n = jar.writes.length;
    expect(s._load(false)?.id).toBe('abc');
    expect(localStorage.getItem('click_id')).toBeNull();
    expect(jar.writes.length).toBe(n);
  });

  it('accepts an id cookie a server wrote alone, with a fresh lifetime', () => {
    rawCookie('click_id=srv1; path=/');
    const d = store('click_id', now() + 30 * 86400, 'auto', quiet)._load(true);
    expect(d).toMatchObject({ id: 'srv1', src: '', kept: {} });
    expect(d!.exp).toBe(now() + 30 * 86400);
    expect(mirror().id).toBe('srv1');
  });

  it('ignores and removes expired data', () => {
    const s = store('click_id', EXP, 'auto', quiet);
    localStorage.setItem('click_id', JSON.stringify(data('old', now() - 1)));
    expect(s._load(true)).toBeUndefined();
    expect(localStorage.getItem('click_id')).toBeNull();
    rawCookie('click_id=old; domain=example.co.uk');
    rawCookie(`click_id_data=ct_src=click_id&ct_exp=${now() - 5}; domain=example.co.uk`);
    expect(s._load(true)).toBeUndefined();
    expect(jar.cookies()).toEqual([]);
  });

  it('ignores an invalid id in either place', () => {
    const s = store('click_id', EXP, 'auto', quiet);
    localStorage.setItem('click_id', JSON.stringify({ ...data(), id: 'a b' }));
    rawCookie('click_id=%00x');
    expect(s._load(false)).toBeUndefined();
    localStorage.setItem('click_id', '{not json');
    expect(s._load(true)).toBeUndefined();
  });

  it('reads nothing and writes nothing when there is nothing', () => {
    expect(store('click_id', EXP, 'auto', quiet)._load(true)).toBeUndefined();
    expect(jar.writes).toEqual([]);
  });
});

describe('shadowing', () => {
  it('removes a host-only cookie of the same name before writing on the domain, so reads see ours', () => {
    rawCookie('click_id=old; path=/');
    rawCookie('click_id_data=ct_src=x; path=/');
    const s = store('click_id', EXP, 'auto', quiet);
    s._save(data('new'));
    localStorage.clear();
    expect(s._load(false)?.id).toBe('new');
    expect(jar.cookies().map((c) => [c.name, c.domain])).toEqual([
      ['click_id', 'example.co.uk'],
      ['click_id_data', 'example.co.uk'],
    ]);
  });
});

describe('domain', () => {
  it('probes for the widest domain once per store, then reuses it', () => {
    const s = store('click_id', EXP, 'auto', quiet);
    s._save(data());
    const probes = () => jar.writes.filter((w) => w.startsWith('ct_probe')).length;
    const n = probes();
    expect(n).toBeGreaterThan(0);
    s._save(data('again'));
    s._clear();
    expect(probes()).toBe(n);
  });
});

describe('clear', () => {
  it('removes both cookies on the written domain and host-only, and the mirror', () => {
    const s = store('click_id', EXP, 'auto', quiet);
    s._save(data());
    rawCookie('click_id=hostonly');
    s._clear();
    expect(jar.cookies()).toEqual([]);
    expect(localStorage.getItem('click_id')).toBeNull();
  });
});

describe('hostile environments', () => {
  it('survives document.cookie throwing: the mirror still works', () => {
    jar.restore();
    jar = installJar('shop.example.co.uk', { blocked: true });
    const log = vi.fn();
    const s = store('click_id', EXP, 'auto', log);
    expect(() => s._save(data())).not.toThrow();
    expect(s._load(true)?.id).toBe('abc');
    expect(() => s._clear()).not.toThrow();
    expect(localStorage.getItem('click_id')).toBeNull();
  });

  it('survives a localStorage getter that throws (Safari private mode, sandboxed iframes)', () => {
    vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const s = store('click_id', EXP, 'auto', quiet);
    expect(() => s._save(data())).not.toThrow();
    expect(s._load(true)?.id).toBe('abc');
    expect(() => s._clear()).not.toThrow();
    expect(jar.cookies()).toEqual([]);
  });

  it('survives setItem throwing QuotaExceededError', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    const s = store('click_id', EXP, 'auto', quiet);
    expect(() => s._save(data())).not.toThrow();
    expect(cookie('click_id')?.value).toBe('abc');
  });
});
