import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ClickTrail, init } from '../../src/browser/index';
import { encode } from '../../src/core/encode';
import { installJar, type Jar, rawCookie, setUrl } from './jar';

let jar: Jar;
const started: ClickTrail[] = [];
const start = (o: Parameters<typeof init>[0] = {}) => {
  const ct = init(o);
  started.push(ct);
  return ct;
};
const visit = (url: string, o: Parameters<typeof init>[0] = {}) => {
  setUrl(url);
  return start(o);
};
const cookie = (name: string) => jar.cookies().find((c) => c.name === name);
const now = () => Math.floor(Date.now() / 1000);
// The localStorage mirror is written when the page is idle (here: on the next task). Timers are faked, so a test
// says when that time has come.
const idle = () => vi.runOnlyPendingTimers();
const mirror = (key = 'click_id') => JSON.parse(localStorage.getItem(key) as string);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout'] });
  setUrl('https://shop.example.co.uk/');
  jar = installJar('shop.example.co.uk');
  localStorage.clear();
  document.body.innerHTML = '';
});
afterEach(() => {
  for (const ct of started.splice(0)) ct.stop();
  vi.runOnlyPendingTimers();
  jar.restore();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('init', () => {
  it('captures the click id and kept params and stores them', () => {
    const ct = visit('https://shop.example.co.uk/p?affS1=abc&affid=101', {
      idParams: ['click_id', 'affS1'],
      keep: ['affid'],
    });
    expect(ct.clickId()).toBe('abc');
    expect(ct.kept()).toEqual({ affid: '101' });
    expect(cookie('click_id')?.domain).toBe('example.co.uk');
    expect(decodeURIComponent(cookie('click_id_data')!.value)).toMatch(/^ct_src=affS1&ct_exp=\d+&affid=101$/);
  });

  it('reads what an earlier page stored', () => {
    visit('https://shop.example.co.uk/?click_id=abc');
    expect(visit('https://shop.example.co.uk/other').clickId()).toBe('abc');
  });

  it('uses the default options with no argument and never throws on junk options', () => {
    setUrl('https://shop.example.co.uk/?click_id=abc');
    expect(start().clickId()).toBe('abc');
    const junk = { idParams: [], days: Number.NaN, cookie: '', stripe: null, linkDomains: null } as never;
    expect(start(junk).clickId()).toBe('abc');
  });

  it('last click (default) replaces the stored id; first click keeps it until it expires', () => {
    visit('https://shop.example.co.uk/?click_id=one');
    expect(visit('https://shop.example.co.uk/?click_id=two').clickId()).toBe('two');
    expect(visit('https://shop.example.co.uk/?click_id=three', { attribution: 'first' }).clickId()).toBe(
      'two',
    );
    expect(cookie('click_id')?.value).toBe('two');
  });

  it('a new click brings only its own kept params; the same click again keeps the old ones', () => {
    const o = { keep: ['affid', 'sub'] };
    visit('https://shop.example.co.uk/?click_id=one&affid=1&sub=s', o);
    expect(visit('https://shop.example.co.uk/?click_id=one&affid=2', o).kept()).toEqual({
      affid: '2',
      sub: 's',
    });
    expect(visit('https://shop.example.co.uk/?click_id=two&affid=3', o).kept()).toEqual({ affid: '3' });
  });

  it('a stale host-only cookie of the same name (an old snippet, domain: false) never shadows a new click', () => {
    rawCookie('click_id=old; path=/');
    expect(visit('https://shop.example.co.uk/?click_id=new').clickId()).toBe('new');
    expect(visit('https://shop.example.co.uk/').clickId()).toBe('new');
    expect(jar.cookies().map((c) => `${c.name}=${c.value}@${c.domain}`)).toEqual([
      'click_id=new@example.co.uk',
      expect.stringMatching(/^click_id_data=.*@example\.co\.uk$/),
    ]);
  });

  it('a refused value never replaces a good stored one', () => {
    visit('https://shop.example.co.uk/?click_id=good');
    for (const bad of ['', 'a%20b', 'x'.repeat(300), '%0A', '%E0%A4%A']) {
      expect(visit(`https://shop.example.co.uk/?click_id=${bad}`).clickId()).toBe('good');
    }
    expect(cookie('click_id')?.value).toBe('good');
  });

  it('forgets data once it expires', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout'] });
    visit('https://shop.example.co.uk/?click_id=abc', { days: 2 });
    idle();
    vi.setSystemTime(Date.now() + 3 * 86400e3);
    expect(visit('https://shop.example.co.uk/').clickId()).toBeUndefined();
    expect(localStorage.getItem('click_id')).toBeNull();
  });

  it('writes expires = capture + days', () => {
    const ct = visit('https://shop.example.co.uk/?click_id=abc', { days: 90 });
    const exp = Date.parse(cookie('click_id')!.attrs.expires as string) / 1000;
    expect(Math.abs(exp - (now() + 90 * 86400))).toBeLessThanOrEqual(1);
    expect(ct.clickId()).toBe('abc');
  });

  it('uses the cookie option for both cookies and the mirror', () => {
    visit('https://shop.example.co.uk/?click_id=abc', { cookie: 'tn_click_id', domain: false });
    expect(cookie('tn_click_id')).toMatchObject({ value: 'abc', domain: '' });
    expect(cookie('tn_click_id_data')).toBeDefined();
    idle();
    expect(mirror('tn_click_id').id).toBe('abc');
  });
});

describe('the public API', () => {
  it('kept() returns the kept params; params() is its deprecated alias; `params` the old name of `idParams`', () => {
    const ct = visit('https://shop.example.co.uk/?sub=abc&affid=7', { params: ['sub'], keep: ['affid'] });
    expect(ct.clickId()).toBe('abc');
    expect(ct.kept()).toEqual({ affid: '7' });
    expect(ct.params()).toEqual(ct.kept());
    // Copies: changing what they return changes nothing inside.
    ct.kept().affid = 'x';
    expect(ct.kept()).toEqual({ affid: '7' });
  });
});

describe('junk options (issue 11, defect 5)', () => {
  it('never throw and fall back to the defaults: init(null), a string list, days -5 and 1e309, placeholder ""', () => {
    expect(() => start(null)).not.toThrow();
    expect(() => start('x' as never)).not.toThrow();
    // A list given as text is read as the attribute would be: one name, never one letter per name.
    expect(
      visit('https://shop.example.co.uk/?c=letter&click_id=abc', { params: 'click_id' as never }).clickId(),
    ).toBe('abc');
    for (const days of [-5, Number('1e309'), 4000]) {
      jar.wipe();
      visit('https://shop.example.co.uk/?click_id=abc', { days });
      const expires = Date.parse(cookie('click_id')!.attrs.expires as string) / 1000;
      expect(Math.abs(expires - (now() + 365 * 86400)), String(days)).toBeLessThanOrEqual(1);
    }
    const ct = visit('https://shop.example.co.uk/?click_id=abc', { placeholder: '' });
    expect(ct.decorate('https://t.example/?s=--CLICK-ID--')).toBe('https://t.example/?s=abc');
  });
});

describe('reserved names (issue 11, defect 4)', () => {
  it('keep cannot let the landing URL set the stored expiry or source', () => {
    const exp = now() + 10 * 86400;
    visit(`https://shop.example.co.uk/?click_id=abc&ct_exp=9999999999&ct_src=evil&affid=1`, {
      keep: ['ct_exp', 'ct_src', 'affid'],
      days: 10,
    });
    const data = new URLSearchParams(decodeURIComponent(cookie('click_id_data')!.value));
    expect([...data.keys()]).toEqual(['ct_src', 'ct_exp', 'affid']);
    expect(data.get('ct_src')).toBe('click_id');
    expect(Math.abs(Number(data.get('ct_exp')) - exp)).toBeLessThanOrEqual(1);
  });
});

describe('the 4 KB cookie limit (issue 11, defect 3)', () => {
  const keep = Array.from({ length: 40 }, (_, i) => `p${i}`);
  const query = keep.map((k) => `${k}=${'é'.repeat(40)}`).join('&');

  it('keeps the params that fit, in order, drops the rest with a debug line, and holds what it stored', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const ct = visit(`https://shop.example.co.uk/?click_id=abc&${query}&small=1`, {
      keep: [...keep, 'small'],
      debug: true,
    });
    const data = cookie('click_id_data')!;
    expect(`click_id_data=${data.value}`.length).toBeLessThanOrEqual(4096);
    const stored = Object.keys(Object.fromEntries(new URLSearchParams(decodeURIComponent(data.value))));
    const fit = stored.filter((k) => k !== 'ct_src' && k !== 'ct_exp');
    // The first ones, in order; then a later, shorter one that still fits.
    expect(fit.length).toBeGreaterThan(5);
    expect(fit.slice(0, -1)).toEqual(keep.slice(0, fit.length - 1));
    expect(fit.at(-1)).toBe('small');
    expect(Object.keys(ct.kept())).toEqual(fit);
    const dropped = log.mock.calls.filter((c) => c[1] === 'dropped').map((c) => c[2]);
    expect(dropped).toEqual(keep.slice(fit.length - 1));
    // The next page reads exactly that back.
    expect(visit('https://shop.example.co.uk/', { keep }).kept()).toEqual(ct.kept());
  });
});

describe('debug with a console that throws (issue 11, defect 6)', () => {
  it('costs the log line, never the click id', () => {
    vi.spyOn(console, 'log').mockImplementation(() => {
      throw new Error('console is locked down');
    });
    const ct = visit('https://shop.example.co.uk/?click_id=abc', { debug: true });
    expect(ct.clickId()).toBe('abc');
    expect(cookie('click_id')?.value).toBe('abc');
  });
});

describe('consent', () => {
  it('keeps everything in memory until grantConsent()', () => {
    const ct = visit('https://shop.example.co.uk/?click_id=abc&affid=7', { consent: false, keep: ['affid'] });
    expect(ct.clickId()).toBe('abc');
    expect(ct.kept()).toEqual({ affid: '7' });
    idle();
    expect(jar.writes).toEqual([]);
    expect(localStorage.length).toBe(0);
    ct.grantConsent();
    expect(cookie('click_id')?.value).toBe('abc');
    idle();
    expect(mirror().kept).toEqual({ affid: '7' });
  });

  it('decorates with the id held in memory before consent', () => {
    const ct = visit('https://shop.example.co.uk/?click_id=abc', { consent: false });
    expect(ct.decorate('https://buy.stripe.com/test_123')).toBe(
      'https://buy.stripe.com/test_123?client_reference_id=abc',
    );
  });

  it('clear() removes every trace and the id', () => {
    const ct = visit('https://shop.example.co.uk/?click_id=abc');
    ct.clear();
    expect(ct.clickId()).toBeUndefined();
    expect(jar.cookies()).toEqual([]);
    expect(localStorage.getItem('click_id')).toBeNull();
    expect(visit('https://shop.example.co.uk/').clickId()).toBeUndefined();
  });
});

describe('clean URLs', () => {
  it('removes the captured params from the address bar, keeping the rest and the fragment', () => {
    visit('https://shop.example.co.uk/p?a=1&click_id=abc&b=x+y%7B&affid=9#frag', {
      clean: true,
      keep: ['affid'],
    });
    expect(location.href).toBe('https://shop.example.co.uk/p?a=1&b=x+y%7B#frag');
  });

  it('leaves history alone when there is nothing to remove, or clean is off', () => {
    const spy = vi.spyOn(history, 'replaceState');
    visit('https://shop.example.co.uk/p?a=1', { clean: true });
    visit('https://shop.example.co.uk/p?click_id=abc');
    expect(spy).not.toHaveBeenCalled();
    expect(location.search).toBe('?click_id=abc');
  });
});

describe('link context', () => {
  it('hands the carry rules the first param name, Stripe hosts and placeholder', () => {
    const ct = visit('https://shop.example.co.uk/?sub1=abc', {
      idParams: ['sub1', 'click_id'],
      linkDomains: ['other.com'],
      stripe: { hosts: ['pay.example.com'] },
    });
    expect(ct.decorate('https://www.other.com/x')).toBe('https://www.other.com/x?sub1=abc');
    expect(ct.decorate('https://pay.example.com/b/1')).toBe(
      'https://pay.example.com/b/1?client_reference_id=abc',
    );
    expect(ct.decorate('https://buy.stripe.com/b/1')).toBe(
      'https://buy.stripe.com/b/1?client_reference_id=abc',
    );
    expect(ct.decorate('/go?c=--CLICK-ID--')).toBe('/go?c=abc');
  });

  it('honours stripe: false and placeholder: false', () => {
    const ct = visit('https://shop.example.co.uk/?click_id=abc', { stripe: false, placeholder: false });
    expect(ct.decorate('https://buy.stripe.com/b/1')).toBe('https://buy.stripe.com/b/1');
    expect(ct.decorate('https://x.com/?c=--CLICK-ID--')).toBe('https://x.com/?c=--CLICK-ID--');
  });

  it('decorates links on the page, and stop() ends it', async () => {
    const ct = visit('https://shop.example.co.uk/?click_id=abc');
    const a = document.createElement('a');
    a.href = 'https://buy.stripe.com/test_1';
    document.body.append(a);
    await vi.waitFor(() => expect(a.getAttribute('href')).toContain('client_reference_id=abc'));
    ct.stop();
    const b = document.createElement('a');
    b.href = 'https://buy.stripe.com/test_2';
    document.body.append(b);
    // A later mutation is observed by a fresh observer: once it fires, the stopped one would have too.
    const seen = new Promise((r) => new MutationObserver(r).observe(document.body, { childList: true }));
    document.body.append(document.createElement('i'));
    await seen;
    expect(b.getAttribute('href')).toBe('https://buy.stripe.com/test_2');
  });
});

describe('never breaks the page', () => {
  it('works in memory when cookies and localStorage both throw', () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    jar.restore();
    jar = installJar('shop.example.co.uk', { blocked: true });
    vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    let ct: ClickTrail | undefined;
    expect(() => {
      ct = visit('https://shop.example.co.uk/?click_id=abc', { debug: true, clean: true });
    }).not.toThrow();
    expect(ct!.clickId()).toBe('abc');
    expect(() => {
      ct!.grantConsent();
      ct!.clear();
      ct!.decorate('::::');
      ct!.stop();
    }).not.toThrow();
  });

  it('survives replaceState throwing', () => {
    vi.spyOn(history, 'replaceState').mockImplementation(() => {
      throw new DOMException('nope', 'SecurityError');
    });
    expect(visit('https://shop.example.co.uk/?click_id=abc', { clean: true }).clickId()).toBe('abc');
  });

  it('logs captured, stored and refused when debug is on, nothing otherwise', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    visit('https://shop.example.co.uk/?click_id=abc');
    expect(log).not.toHaveBeenCalled();
    visit('https://shop.example.co.uk/?click_id=abc&affid=%01', { debug: true, keep: ['affid'] });
    const lines = log.mock.calls.map((c) => c.join(' '));
    expect(lines).toContain('[clicktrail] captured click_id abc');
    expect(lines).toContain('[clicktrail] stored example.co.uk');
    expect(lines).toContain('[clicktrail] refused affid \u0001');
  });
});

describe('hostile values (properties)', () => {
  const ATTRS = ['path', 'domain', 'expires', 'samesite', 'secure'];
  it('never throws, stores only valid ids, and a value never adds a cookie attribute', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 80 }), (id, kept) => {
        jar.wipe();
        localStorage.clear();
        jar.writes.length = 0;
        const ct = visit(`https://shop.example.co.uk/?click_id=${encode(id)}&k=${encode(kept)}`, {
          keep: ['k'],
        });
        const got = ct.clickId();
        ct.stop();
        started.pop();
        if (got === undefined) return;
        expect(got).toBe(id);
        for (const w of jar.writes.filter((x) => !x.startsWith('ct_probe'))) {
          const names = w
            .split(';')
            .slice(1)
            .map((a) => a.split('=')[0].trim().toLowerCase());
          // Removals (of a shadowing host-only copy) carry no value; every write with a value has the contract's.
          expect(names).toEqual(/^[^=]*=;/.test(w) ? ['path', 'expires'] : ATTRS);
        }
        expect(cookie('click_id')?.value).toBe(
          encodeURIComponent(id).replace(/%(2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD])/g, decodeURIComponent),
        );
        expect(visit('https://shop.example.co.uk/', { keep: ['k'] }).kept()).toEqual(ct.kept());
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary query strings and fragments', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.string({ maxLength: 20 }), (q, h) => {
        const url = `https://shop.example.co.uk/p?${q.replace(/#/g, '')}#${h}`;
        let ct: ClickTrail | undefined;
        expect(() => {
          ct = visit(url, { idParams: ['click_id', 'affS1'], keep: ['a'], clean: true });
        }).not.toThrow();
        const id = ct!.clickId();
        expect(id === undefined || (id.length > 0 && id.length <= 256 && !/\s/.test(id))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
