import fc from 'fast-check';
import Cookies from 'js-cookie';
import { describe, expect, it } from 'vitest';
import { isValidClickId } from '../../src/core/click';
import { clickIdCookie, readClickData, readClickId } from '../../src/server/index';
import { clickIdMiddleware } from '../../src/server/node';

const NOW = Date.UTC(2025, 0, 1);
const EXP = NOW / 1000 + 365 * 86400;
const EXPIRES = new Date(EXP * 1000).toUTCString();
/** The Cookie header a browser would send back for these Set-Cookie values. */
const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split('; ')[0]).join('; ');
/** The data query exactly as the browser side (src/browser/storage.ts) writes it. */
const browserQuery = (data: Record<string, string>) => String(new URLSearchParams(data));

describe('clickIdCookie', () => {
  it('writes the browser side’s two cookies on the registrable domain', () => {
    expect(
      clickIdCookie('https://shop.example.co.uk/landing?affS1=a%40b&click_id=&affid=101&utm_source=x', {
        params: ['click_id', 'affS1'],
        keep: ['affid', 'missing'],
        now: NOW,
      }),
    ).toEqual([
      `click_id=a@b; path=/; expires=${EXPIRES}; domain=example.co.uk; SameSite=Lax; Secure`,
      `click_id_data=ct_src=affS1&ct_exp=${EXP}&affid=101; path=/; expires=${EXPIRES}; domain=example.co.uk; SameSite=Lax; Secure`,
    ]);
  });

  it('picks the domain: public-suffix aware, private suffixes too; host-only for localhost, IPs and domain: false', () => {
    const domainOf = (url: string, domain?: string | false) =>
      /domain=([^;]+)/.exec(clickIdCookie(url, { domain })[0])?.[1];
    expect(domainOf('https://a.b.example.com/?click_id=1')).toBe('example.com');
    expect(domainOf('https://myshop.github.io/?click_id=1')).toBe('myshop.github.io');
    expect(domainOf('http://localhost:3000/?click_id=1')).toBeUndefined();
    expect(domainOf('http://127.0.0.1/?click_id=1')).toBeUndefined();
    expect(domainOf('https://a.example.com/?click_id=1', false)).toBeUndefined();
    expect(domainOf('https://a.example.com/?click_id=1', 'a.example.com')).toBe('a.example.com');
    expect(clickIdCookie('http://localhost/?click_id=1')[0]).not.toMatch(/Secure/);
  });

  it('writes nothing without a valid click id, or when first-click attribution keeps an existing one', () => {
    expect(clickIdCookie('https://x.example/?other=1')).toEqual([]);
    expect(clickIdCookie('https://x.example/?click_id=has%20space')).toEqual([]);
    expect(clickIdCookie('not a url')).toEqual([]);
    const existing = cookieHeader(clickIdCookie('https://x.example/?click_id=old', { now: NOW }));
    expect(
      clickIdCookie('https://x.example/?click_id=new', {
        attribution: 'first',
        cookieHeader: existing,
        now: NOW,
      }),
    ).toEqual([]);
    expect(
      clickIdCookie('https://x.example/?click_id=new', {
        attribution: 'last',
        cookieHeader: existing,
        now: NOW,
      }),
    ).toHaveLength(2);
  });

  it('takes the id params as idParams (params is the deprecated name for the same list)', () => {
    const url = 'https://shop.example.com/?affS1=a1&click_id=c1';
    expect(clickIdCookie(url, { idParams: ['affS1', 'click_id'], now: NOW })[0]).toMatch(/^click_id=a1;/);
    expect(clickIdCookie(url, { params: ['affS1', 'click_id'], now: NOW })[0]).toMatch(/^click_id=a1;/);
  });

  it('follows the browser’s attribution: the same click again keeps its kept params, a new one brings its own', () => {
    const first = cookieHeader(
      clickIdCookie('https://x.example/?click_id=a&affid=1', { keep: ['affid', 'sub1'], now: NOW }),
    );
    const again = clickIdCookie('https://x.example/?click_id=a&sub1=s', {
      keep: ['affid', 'sub1'],
      cookieHeader: first,
      now: NOW,
    });
    expect(readClickData(cookieHeader(again), 'click_id', NOW)?.kept).toEqual({ affid: '1', sub1: 's' });
    const other = clickIdCookie('https://x.example/?click_id=b&sub1=t', {
      keep: ['affid', 'sub1'],
      cookieHeader: first,
      now: NOW,
    });
    expect(readClickData(cookieHeader(other), 'click_id', NOW)?.kept).toEqual({ sub1: 't' });
  });

  it('never lets keep name a reserved ct_ field, so the landing URL cannot set the expiry', () => {
    const set = clickIdCookie('https://x.example/?click_id=a&ct_exp=1&ct_src=evil', {
      keep: ['ct_exp', 'ct_src'],
      now: NOW,
    });
    expect(readClickData(cookieHeader(set), 'click_id', NOW)).toMatchObject({
      src: 'click_id',
      exp: EXP,
      kept: {},
    });
  });

  it('keeps the kept params that fit a 4,096-byte data cookie, in keep order, as the browser does', () => {
    const long = 'x'.repeat(250);
    const keep = Array.from({ length: 30 }, (_, i) => `p${i}`);
    const url = `https://x.example/?click_id=a&${keep.map((k) => `${k}=${long}`).join('&')}`;
    const [, data] = clickIdCookie(url, { keep, now: NOW });
    const pair = data!.split('; ')[0]!;
    expect(pair.length).toBeLessThanOrEqual(4096);
    const kept =
      readClickData(cookieHeader(clickIdCookie(url, { keep, now: NOW })), 'click_id', NOW)?.kept ?? {};
    const names = Object.keys(kept);
    expect(names.length).toBeGreaterThan(5);
    expect(names).toEqual(keep.slice(0, names.length));
  });

  it('refuses a cookie name that would not survive the trip as written, with a typed error', () => {
    for (const cookie of ['a b', 'a;b', '', 'é', 'x'.repeat(65)])
      expect(() => clickIdCookie('https://x.example/?click_id=a', { cookie })).toThrow(
        expect.objectContaining({ code: 'invalid_option' }),
      );
  });

  it('property: no click id or kept value can inject a cookie attribute; values round-trip', () => {
    const value = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter(isValidClickId);
    fc.assert(
      fc.property(value, value, (id, kept) => {
        const url = `https://shop.example.com/?click_id=${encodeURIComponent(id)}&sub1=${encodeURIComponent(kept)}`;
        const cookies = clickIdCookie(url, { keep: ['sub1'], now: NOW });
        for (const c of cookies) {
          expect(c.split('; ').slice(1)).toEqual([
            'path=/',
            `expires=${EXPIRES}`,
            'domain=example.com',
            'SameSite=Lax',
            'Secure',
          ]);
          expect(c.split(';')[0]).not.toMatch(/[\s,"\\]/);
        }
        // The same bytes js-cookie writes, so either side reads the other's cookies.
        const attributes = cookies[0].split('; ').slice(1).join('; ');
        expect(cookies[0]).toBe(`click_id=${Cookies.converter.write(id, 'click_id')}; ${attributes}`);
        // The data cookie too: the browser writes its query with URLSearchParams (a space is `+`), then js-cookie.
        const browserData = browserQuery({ ct_src: 'click_id', ct_exp: `${EXP}`, sub1: kept });
        expect(cookies[1]).toBe(
          `click_id_data=${Cookies.converter.write(browserData, 'click_id_data')}; ${attributes}`,
        );
        expect(readClickData(cookieHeader(cookies), 'click_id', NOW)).toMatchObject({
          id,
          src: 'click_id',
          exp: EXP,
          kept: { sub1: kept },
        });
      }),
    );
  });
});

describe('readClickId / readClickData', () => {
  const jsCookie = (name: string, value: string) => `${name}=${Cookies.converter.write(value, name)}`;

  it('reads what the browser side (js-cookie) wrote', () => {
    const exp = Math.floor(Date.now() / 1000) + 86400;
    const header = [
      'other=1',
      jsCookie('tn_click_id', 'abc/é'),
      jsCookie(
        'tn_click_id_data',
        browserQuery({
          ct_src: 'affS1',
          ct_exp: `${exp}`,
          affid: '101',
          utm_campaign: 'spring sale + 50% *off* ~now',
          sub1: 'a&b=c/é',
          bad: ' padded ',
        }),
      ),
    ].join('; ');
    expect(header).toContain('utm_campaign=spring+sale+%252B+50%2525+*off*+%257Enow');
    expect(readClickId(header, 'tn_click_id')).toBe('abc/é');
    const kept = { affid: '101', utm_campaign: 'spring sale + 50% *off* ~now', sub1: 'a&b=c/é' };
    expect(readClickData(header, 'tn_click_id')).toEqual({
      id: 'abc/é',
      src: 'affS1',
      exp,
      kept,
      params: kept,
    });
    // …and what an older server wrote with RFC 3986 escapes (`%20` for a space).
    const rfc3986 = `x=1; tn_click_id=abc; tn_click_id_data=${Cookies.converter.write(
      `ct_src=affS1&ct_exp=${exp}&utm_campaign=spring%20sale`,
      'tn_click_id_data',
    )}`;
    expect(readClickData(rfc3986, 'tn_click_id')?.kept).toEqual({ utm_campaign: 'spring sale' });
  });

  it('keeps a kept param named __proto__ as an own value', () => {
    const header = `click_id=x; ${jsCookie('click_id_data', browserQuery({ ['__proto__']: 'p', a: '1' }))}`;
    const kept = readClickData(header)?.kept;
    expect(Object.entries(kept ?? {})).toEqual([
      ['__proto__', 'p'],
      ['a', '1'],
    ]);
  });

  it('ignores expired, invalid and missing ids, and malformed encodings', () => {
    expect(readClickId(undefined)).toBeUndefined();
    expect(readClickId('click_id=')).toBeUndefined();
    expect(readClickId('click_id=%E0%A4%A')).toBeUndefined();
    expect(
      readClickData(`click_id=x; click_id_data=ct_exp=${NOW / 1000 - 1}`, 'click_id', NOW),
    ).toBeUndefined();
    // An id alone (no data cookie) is valid as long as the browser kept it.
    expect(readClickId('click_id=x')).toBe('x');
    expect(readClickId('click_id=first; click_id=second')).toBe('first');
  });
});

describe('clickIdMiddleware', () => {
  it('appends both cookies to a Node response and calls next', () => {
    const headers = new Map<string, unknown>([['set-cookie', 'session=1']]);
    const res = {
      statusCode: 200,
      setHeader: (n: string, v: unknown) => headers.set(n, v),
      getHeader: (n: string) => headers.get(n),
      end: () => {},
    };
    let nexts = 0;
    const req = {
      headers: { host: 'shop.example.com' },
      url: '/?click_id=z&affid=5',
      [Symbol.asyncIterator]: async function* () {},
    };
    clickIdMiddleware({ keep: ['affid'] })(req, res, () => void nexts++);
    expect(nexts).toBe(1);
    const set = headers.get('set-cookie') as string[];
    expect(set).toHaveLength(3);
    expect(set[0]).toBe('session=1');
    expect(set[1]).toMatch(/^click_id=z; path=\/; expires=.*; domain=example\.com; SameSite=Lax$/);
    expect(set[2]).toMatch(/^click_id_data=ct_src=click_id&ct_exp=\d+&affid=5;/);
  });
});

describe('clickIdCookie options that would write a broken or hostile cookie', () => {
  const url = 'https://shop.example.com/?click_id=abc';

  it('refuses a domain that would inject cookie attributes, with a typed error', () => {
    for (const domain of [
      'example.com; HttpOnly',
      'example.com;domain=evil.com',
      'example.com\r\nSet-Cookie: x=1',
      'exa mple.com',
      'example.com=',
      '-example.com',
      'example..com',
      `${'a'.repeat(64)}.com`,
      true,
      42,
    ])
      expect(() => clickIdCookie(url, { domain: domain as string, now: NOW })).toThrow(
        expect.objectContaining({ code: 'invalid_option', message: expect.stringMatching(/domain must be/) }),
      );
    expect(clickIdCookie(url, { domain: '.example.com', now: NOW })[0]).toMatch(/; domain=\.example\.com;/);
    expect(clickIdCookie(url, { domain: 'xn--bcher-kva.example', now: NOW })[0]).toMatch(
      /domain=xn--bcher-kva/,
    );
  });

  it('property: whatever the domain option, the cookie has exactly the five expected attributes or is refused', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (domain) => {
        let cookies: string[];
        try {
          cookies = clickIdCookie(url, { domain, now: NOW });
        } catch (e) {
          expect(e).toMatchObject({ code: 'invalid_option' });
          return;
        }
        for (const c of cookies) {
          const attributes = c.split('; ').slice(1);
          expect(attributes).toHaveLength(domain ? 5 : 4);
          expect(attributes.filter((a) => /^domain=/i.test(a))).toHaveLength(domain ? 1 : 0);
          expect(c).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses days of 0, NaN, negative, Infinity or over 3650 instead of writing "expires now" or "Invalid Date"', () => {
    for (const days of [0, Number.NaN, -1, Number.POSITIVE_INFINITY, 3651, '30'])
      expect(() => clickIdCookie(url, { days: days as number, now: NOW })).toThrow(
        expect.objectContaining({ code: 'invalid_option', message: expect.stringMatching(/days must be/) }),
      );
    expect(clickIdCookie(url, { days: 0.5, now: NOW })[0]).toContain(
      `expires=${new Date(NOW + 43_200_000).toUTCString()}`,
    );
  });

  it('refuses id params, keep and attribution of the wrong kind', () => {
    for (const options of [
      { idParams: [] },
      { idParams: 'click_id' },
      { params: [''] },
      { keep: 'affid' },
      { attribution: 'middle' },
    ])
      expect(() => clickIdCookie(url, options as never)).toThrow(
        expect.objectContaining({ code: 'invalid_option' }),
      );
  });
});

describe('clickIdMiddleware behind a proxy', () => {
  const run = (middleware: ReturnType<typeof clickIdMiddleware>, headers: Record<string, string>) => {
    const set = new Map<string, unknown>();
    const res = {
      statusCode: 200,
      setHeader: (n: string, v: unknown) => set.set(n, v),
      getHeader: (n: string) => set.get(n),
      end: () => {},
    };
    // A plain-http socket: TLS ended at the proxy.
    const req = { headers, url: '/?click_id=z', socket: {}, [Symbol.asyncIterator]: async function* () {} };
    middleware(req, res);
    return (set.get('set-cookie') as string[] | undefined) ?? [];
  };
  const forwarded = {
    host: 'internal:8080',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'shop.example.com',
  };

  it('with trustProxy, an https X-Forwarded-Proto gives Secure cookies on the forwarded host', () => {
    const cookies = run(clickIdMiddleware({ trustProxy: true }), forwarded);
    expect(cookies).toHaveLength(2);
    for (const c of cookies) expect(c).toMatch(/; domain=example\.com; SameSite=Lax; Secure$/);
    // A list (`https, http`, appended by each proxy) counts by its first value, the client's.
    expect(
      run(clickIdMiddleware({ trustProxy: true }), { ...forwarded, 'x-forwarded-proto': 'https, http' })[0],
    ).toMatch(/Secure$/);
  });

  it('without trustProxy the forwarded headers are ignored (any client could send them)', () => {
    for (const c of run(clickIdMiddleware(), forwarded)) {
      expect(c).not.toMatch(/Secure/);
      expect(c).not.toMatch(/domain=/);
    }
  });

  it('ignores forwarded values that are not a scheme or a host', () => {
    const cookies = run(clickIdMiddleware({ trustProxy: true }), {
      host: 'shop.example.com',
      'x-forwarded-proto': 'javascript',
      'x-forwarded-host': 'evil.example/?click_id=forged#',
    });
    expect(cookies[0]).toMatch(/^click_id=z; .*domain=example\.com; SameSite=Lax$/);
  });

  it('throws for bad options when the middleware is created, not on every landing', () => {
    expect(() => clickIdMiddleware({ domain: 'x; HttpOnly' })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    );
    expect(() => clickIdMiddleware({ days: 0 })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });
});
