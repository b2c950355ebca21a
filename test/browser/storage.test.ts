import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLogging } from '../../src/browser/log';
import { createStore } from '../../src/browser/storage';
import type { ClickData } from '../../src/core/click';
import { installJar, type Jar, rawCookie, setUrl } from './jar';

const now = () => Math.floor(Date.now() / 1000);
// A store as init() makes one: `days` is the lifetime of an id cookie found without its data cookie.
const store = (cookie = 'click_id', domain: string | false = 'auto', days = 365) => {
  const [load, save, clear] = createStore(cookie, domain, days);
  return { load, save, clear };
};
let jar: Jar;
const data = (id = 'abc', exp = now() + 3600): ClickData => ({
  id,
  src: 'click_id',
  exp,
  kept: { affid: '101' },
});
const cookie = (name: string) => jar.cookies().find((c) => c.name === name);
const mirror = () => JSON.parse(localStorage.getItem('click_id') as string);
// The mirror is written when the page is idle (happy-dom has no requestIdleCallback: on the next task). Timers are
// faked, so a test says when that time has come, and nothing a test scheduled runs in the next one.
const idle = () => vi.runOnlyPendingTimers();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout'] });
  setUrl('https://shop.example.co.uk/');
  jar = installJar('shop.example.co.uk');
  localStorage.clear();
});
afterEach(() => {
  vi.runOnlyPendingTimers();
  vi.useRealTimers();
  jar.restore();
  vi.restoreAllMocks();
});

describe('save', () => {
  it('writes the id and data cookies on the widest domain with the contract attributes, and the mirror', () => {
    const d = data();
    store().save(d);
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
    expect(localStorage.getItem('click_id')).toBeNull();
    idle();
    expect(mirror()).toEqual(d);
  });

  it('leaves Secure off on http and uses an explicit domain or host-only as told', () => {
    setUrl('http://shop.example.co.uk/');
    store('click_id', 'shop.example.co.uk').save(data());
    expect(cookie('click_id')?.attrs).not.toHaveProperty('secure');
    expect(cookie('click_id')?.domain).toBe('shop.example.co.uk');
    jar.wipe();
    store('click_id', false).save(data());
    expect(cookie('click_id')?.attrs).not.toHaveProperty('domain');
    expect(cookie('click_id')?.domain).toBe('');
  });

  it('logs where it stored, and when the cookie did not stick (with debug on)', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    setLogging(true);
    store('click_id', 'auto').save(data());
    expect(log).toHaveBeenCalledWith('[clicktrail]', 'stored', 'example.co.uk');
    jar.wipe();
    store('click_id', 'other.com').save(data());
    expect(log).toHaveBeenCalledWith('[clicktrail]', 'blocked', 'other.com');
    setLogging(false);
  });

  it('encodes the data cookie twice-safe: values with & = % ; survive the round trip', () => {
    const s = store();
    const d = { ...data('a;b=c%'), kept: { q: 'x&y=z;%', 'we ird': 'v' } };
    s.save(d);
    const written = jar.writes.filter((w) => w.startsWith('click_id') && !/^[^=]*=;/.test(w));
    expect(written.map((w) => w.split(';').length)).toEqual([5 + 1, 5 + 1]);
    localStorage.clear();
    expect(s.load(false)).toEqual(d);
  });
});

describe('load and repair', () => {
  it('prefers the cookie (shared across subdomains) and refreshes a mirror holding another click', () => {
    const s = store();
    s.save(data('new'));
    localStorage.setItem('click_id', JSON.stringify(data('old')));
    expect(s.load(true)?.id).toBe('new');
    idle();
    expect(mirror().id).toBe('new');
  });

  it('rewrites the cookies from the mirror with the remaining lifetime', () => {
    const s = store();
    const d = data('abc', now() + 1000);
    s.save(d);
    idle();
    jar.wipe();
    expect(s.load(true)).toEqual(d);
    expect(cookie('click_id')).toMatchObject({ value: 'abc', domain: 'example.co.uk' });
    expect(cookie('click_id')?.attrs.expires).toBe(new Date(d.exp * 1000).toUTCString());
    expect(cookie('click_id_data')?.value).toContain('affid=101');
  });

  it('rewrites the mirror from the cookies', () => {
    const s = store();
    const d = data();
    s.save(d);
    idle();
    localStorage.clear();
    expect(s.load(true)).toEqual(d);
    idle();
    expect(mirror()).toEqual(d);
  });

  it('reads a mirror written by 0.1.0, whose kept params were named params', () => {
    const s = store();
    const { kept, ...rest } = data('legacy');
    localStorage.setItem('click_id', JSON.stringify({ ...rest, params: kept }));
    expect(s.load(true)).toMatchObject({ id: 'legacy', kept: { affid: '101' } });
    // …and the repair writes the cookies from it.
    expect(cookie('click_id')?.value).toBe('legacy');
    expect(cookie('click_id_data')?.value).toContain('affid=101');
  });

  it('repairs nothing while consent is pending', () => {
    const s = store();
    s.save(data());
    idle();
    localStorage.clear();
    const n = jar.writes.length;
    expect(s.load(false)?.id).toBe('abc');
    idle();
    expect(localStorage.getItem('click_id')).toBeNull();
    expect(jar.writes.length).toBe(n);
  });

  it('accepts an id cookie a server wrote alone, with a fresh lifetime', () => {
    rawCookie('click_id=srv1; path=/');
    const d = store('click_id', 'auto', 30).load(true);
    expect(d).toMatchObject({ id: 'srv1', src: '', kept: {} });
    expect(d!.exp).toBe(now() + 30 * 86400);
    idle();
    expect(mirror().id).toBe('srv1');
  });

  it('ignores and removes expired data', () => {
    const s = store();
    localStorage.setItem('click_id', JSON.stringify(data('old', now() - 1)));
    expect(s.load(true)).toBeUndefined();
    expect(localStorage.getItem('click_id')).toBeNull();
    rawCookie('click_id=old; domain=example.co.uk');
    rawCookie(`click_id_data=ct_src=click_id&ct_exp=${now() - 5}; domain=example.co.uk`);
    expect(s.load(true)).toBeUndefined();
    expect(jar.cookies()).toEqual([]);
  });

  it('ignores an invalid id in either place', () => {
    const s = store();
    localStorage.setItem('click_id', JSON.stringify({ ...data(), id: 'a b' }));
    rawCookie('click_id=%00x');
    expect(s.load(false)).toBeUndefined();
    localStorage.setItem('click_id', '{not json');
    expect(s.load(true)).toBeUndefined();
  });

  it('reads nothing and writes nothing when there is nothing', () => {
    expect(store().load(true)).toBeUndefined();
    expect(jar.writes).toEqual([]);
  });
});

describe('shadowing', () => {
  it('removes a host-only cookie of the same name before writing on the domain, so reads see ours', () => {
    rawCookie('click_id=old; path=/');
    rawCookie('click_id_data=ct_src=x; path=/');
    const s = store();
    s.save(data('new'));
    localStorage.clear();
    expect(s.load(false)?.id).toBe('new');
    expect(jar.cookies().map((c) => [c.name, c.domain])).toEqual([
      ['click_id', 'example.co.uk'],
      ['click_id_data', 'example.co.uk'],
    ]);
  });
});

describe('domain', () => {
  it('probes for the widest domain once per store, then reuses it', () => {
    const s = store();
    s.save(data());
    const probes = () => jar.writes.filter((w) => w.startsWith('ct_probe')).length;
    const n = probes();
    expect(n).toBeGreaterThan(0);
    s.save(data('again'));
    s.clear();
    expect(probes()).toBe(n);
  });
});

describe('clear', () => {
  it('removes both cookies on the written domain and host-only, and the mirror', () => {
    const s = store();
    s.save(data());
    idle();
    rawCookie('click_id=hostonly');
    s.clear();
    expect(jar.cookies()).toEqual([]);
    expect(localStorage.getItem('click_id')).toBeNull();
  });

  it('cancels a mirror write still waiting for the page to be idle', () => {
    const s = store();
    s.save(data());
    s.clear();
    idle();
    expect(localStorage.getItem('click_id')).toBeNull();
  });
});

describe('storage calls', () => {
  const localStorageCalls = () => {
    const get = vi.spyOn(localStorage, 'getItem');
    const set = vi.spyOn(localStorage, 'setItem');
    return () => get.mock.calls.length + set.mock.calls.length;
  };

  it('a return visit reads document.cookie once and touches nothing else until the page is idle', () => {
    store().save(data());
    idle();
    jar.roundTrips = 0;
    jar.writes.length = 0;
    const calls = localStorageCalls();
    expect(store().load(true)?.id).toBe('abc');
    expect([jar.roundTrips, jar.writes.length, calls()]).toEqual([1, 0, 0]);
    idle();
    expect(calls()).toBe(1);
  });

  it('a click about to replace the stored one: the mirror is not read, only written when idle', () => {
    localStorage.setItem('click_id', JSON.stringify(data('older')));
    const calls = localStorageCalls();
    const s = store();
    expect(s.load(true, true)).toBeUndefined();
    s.save(data('landing'));
    expect(calls()).toBe(0);
    idle();
    expect(calls()).toBe(1);
    expect(mirror().id).toBe('landing');
  });

  it('a landing reads document.cookie once: the probe, written first, is answered by the same read', () => {
    jar.restore();
    setUrl('https://shop.example.com/');
    jar = installJar('shop.example.com');
    rawCookie('click_id=older; domain=example.com');
    const s = store();
    // The stored click is still read (a landing of the same click keeps its params).
    expect(s.load(true, true)?.id).toBe('older');
    s.save(data('landing'));
    expect(jar.roundTrips).toBe(1);
    expect(cookie('click_id')).toMatchObject({ value: 'landing', domain: 'example.com' });
    expect(jar.cookies().filter((c) => c.name.startsWith('ct_probe'))).toEqual([]);
    // Each candidate the browser refuses (co.uk) costs one more read, as it did.
    jar.restore();
    setUrl('https://shop.example.co.uk/');
    jar = installJar('shop.example.co.uk');
    const uk = store();
    uk.load(true, true);
    uk.save(data('landing'));
    expect(jar.roundTrips).toBe(2);
    // Without consent nothing is saved, so nothing is probed: a plain read.
    jar.writes.length = 0;
    store().load(false, true);
    expect(jar.writes).toEqual([]);
  });

  it('a first visit writes the cookies once each, and removes a host-only twin only when one was seen', () => {
    const s = store();
    expect(s.load(true)).toBeUndefined();
    s.save(data());
    const removals = () => jar.writes.filter((w) => /^click_id(_data)?=;/.test(w)).length;
    const sets = () => jar.writes.filter((w) => /^click_id(_data)?=[^;]/.test(w)).length;
    expect([removals(), sets()]).toEqual([0, 2]);
    rawCookie('click_id=twin; path=/');
    jar.writes.length = 0;
    const again = store();
    again.load(true);
    again.save(data('next'));
    expect([removals(), sets()]).toEqual([2, 2]);
  });
});

describe('hostile environments', () => {
  it('survives document.cookie throwing: the mirror still works', () => {
    jar.restore();
    jar = installJar('shop.example.co.uk', { blocked: true });
    const s = store('click_id', 'auto');
    expect(() => s.save(data())).not.toThrow();
    idle();
    expect(s.load(true)?.id).toBe('abc');
    expect(() => s.clear()).not.toThrow();
    expect(localStorage.getItem('click_id')).toBeNull();
  });

  it('survives a localStorage getter that throws (Safari private mode, sandboxed iframes)', () => {
    vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const s = store();
    expect(() => s.save(data())).not.toThrow();
    expect(s.load(true)?.id).toBe('abc');
    expect(() => s.clear()).not.toThrow();
    expect(jar.cookies()).toEqual([]);
  });

  it('survives setItem throwing QuotaExceededError', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    const s = store();
    expect(() => s.save(data())).not.toThrow();
    expect(cookie('click_id')?.value).toBe('abc');
  });
});
