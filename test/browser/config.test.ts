// The configuration table (src/browser/config.ts): what init() options and the script tag's data-* attributes mean,
// and what junk falls back to.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/browser/config';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A script tag's dataset, as browsers build it from the attributes (data-link-domains → linkDomains). */
const dataset = (attrs: Record<string, string>): DOMStringMap =>
  Object.fromEntries(
    Object.entries(attrs).map(([k, v]) => [k.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase()), v]),
  );
const DEFAULTS = {
  idParams: ['click_id'],
  keep: [],
  cookie: 'click_id',
  days: 365,
  domain: 'auto',
  attribution: 'last',
  stripe: ['buy.stripe.com'],
  placeholder: '--CLICK-ID--',
  linkDomains: [],
  consent: true,
  clean: false,
  debug: false,
};
const resolved = resolveConfig;
/** The debug lines resolving these options prints. */
const debugLines = (options: Record<string, unknown>): string[] => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  resolveConfig({ ...options, debug: true });
  const lines = log.mock.calls.map((c) => c.map(String).join(' '));
  log.mockRestore();
  return lines;
};

describe('the data-* attributes', () => {
  it('reads every documented attribute', () => {
    expect(
      resolved(
        dataset({
          'data-id-params': 'click_id, affS1',
          'data-keep': 'affid,campaign',
          'data-cookie': 'tn_click_id',
          'data-days': '90',
          'data-domain': 'example.com',
          'data-attribution': 'first',
          'data-stripe': 'pay.example.com',
          'data-placeholder': '{cid}',
          'data-link-domains': 'other.com third.org',
          'data-consent': 'pending',
          'data-clean': '',
          'data-debug': '',
        }),
      ),
    ).toEqual({
      idParams: ['click_id', 'affS1'],
      keep: ['affid', 'campaign'],
      cookie: 'tn_click_id',
      days: 90,
      domain: 'example.com',
      attribution: 'first',
      stripe: ['buy.stripe.com', 'pay.example.com'],
      placeholder: '{cid}',
      linkDomains: ['other.com', 'third.org'],
      consent: false,
      clean: true,
      debug: true,
    });
  });

  it('turns options off with "false"', () => {
    expect(
      resolved(
        dataset({
          'data-domain': 'false',
          'data-stripe': 'false',
          'data-placeholder': 'false',
          'data-clean': 'false',
          'data-debug': 'false',
          'data-consent': 'false',
        }),
      ),
    ).toEqual({ ...DEFAULTS, domain: false, stripe: [], placeholder: false, consent: false });
  });

  it('leaves absent attributes to the defaults, and ignores attributes that are not options', () => {
    expect(resolved(dataset({}))).toEqual(DEFAULTS);
    expect(resolved(dataset({ 'data-foo': 'x', 'data-log': 'x', 'data-stripe': '' }))).toEqual(DEFAULTS);
    expect(resolved(undefined)).toEqual(DEFAULTS);
  });

  it('still accepts data-params, the old name of data-id-params (which wins when both are there)', () => {
    expect(resolved(dataset({ 'data-params': 'tn' })).idParams).toEqual(['tn']);
    expect(resolved(dataset({ 'data-params': 'tn', 'data-id-params': 'sub1' })).idParams).toEqual(['sub1']);
  });
});

describe('init() options', () => {
  it('take their documented types, and `params` is the old name of `idParams`', () => {
    expect(
      resolved({ idParams: ['a', 'b'], stripe: { hosts: ['pay.example.com'] }, days: 30 }),
    ).toMatchObject({
      idParams: ['a', 'b'],
      stripe: ['buy.stripe.com', 'pay.example.com'],
      days: 30,
    });
    expect(resolved({ params: ['old'] }).idParams).toEqual(['old']);
    expect(resolved({ params: ['old'], idParams: ['new'] }).idParams).toEqual(['new']);
    expect(resolved({ stripe: true }).stripe).toEqual(['buy.stripe.com']);
    expect(resolved({ stripe: false }).stripe).toEqual([]);
  });
});

describe('junk configuration (issue 11, defect 5)', () => {
  it('falls back to the default, option by option, with a debug line, and never throws', () => {
    const junk = {
      days: -5,
      cookie: '',
      domain: 42,
      attribution: 'frist',
      placeholder: '',
      keep: [1, 2],
      linkDomains: 'other.com',
      idParams: [],
    } as never;
    expect(resolved(junk)).toEqual({ ...DEFAULTS, linkDomains: ['other.com'] });
    expect(debugLines(junk)).toEqual([
      '[clicktrail] invalid idParams ',
      '[clicktrail] invalid keep 1,2',
      '[clicktrail] invalid cookie ',
      '[clicktrail] invalid days -5',
      '[clicktrail] invalid domain 42',
      '[clicktrail] invalid attribution frist',
      '[clicktrail] invalid placeholder ',
    ]);
  });

  it('reads clean as a flag: true, "true" or a bare attribute turn it on; another value is off, said by debug', () => {
    for (const value of ['', 'true', true]) expect(resolved({ clean: value as never }).clean).toBe(true);
    for (const value of ['false', false, undefined])
      expect(resolved({ clean: value as never }).clean).toBe(false);
    for (const value of ['yes', '1', 1, 'on']) {
      expect(resolved(dataset({ 'data-clean': String(value) })).clean, String(value)).toBe(false);
      expect(debugLines({ clean: value as never }), String(value)).toEqual([
        `[clicktrail] invalid clean ${value}`,
      ]);
    }
    expect(debugLines({ clean: 'false' as never })).toEqual([]);
  });

  it('refuses lifetimes a browser would not keep: negative, zero, infinite (1e309), over 3650 days, not a number', () => {
    for (const days of ['-5', '0', '1e309', '3651', 'abc', '']) {
      expect(resolved(dataset({ 'data-days': days })).days, days).toBe(365);
    }
    for (const days of [-5, 0, Number.POSITIVE_INFINITY, Number.NaN, 3651]) {
      expect(resolved({ days }).days, String(days)).toBe(365);
    }
    expect(resolved(dataset({ 'data-days': '0.5' })).days).toBe(0.5);
    expect(resolved({ days: 3650 }).days).toBe(3650);
  });

  it('reads a list given as text as its attribute would be read, never letter by letter', () => {
    expect(resolved({ params: 'click_id' as never }).idParams).toEqual(['click_id']);
    expect(resolved({ idParams: 'a, b' as never }).idParams).toEqual(['a', 'b']);
  });

  it('treats anything but an object as no options: init(null), init("x"), getters that throw', () => {
    expect(resolved(null)).toEqual(DEFAULTS);
    expect(resolved('click_id' as never)).toEqual(DEFAULTS);
    const hostile = Object.defineProperty({ keep: ['a'] }, 'days', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
    expect(resolved(hostile)).toEqual({ ...DEFAULTS, keep: ['a'] });
  });

  it('says which kept names are reserved for clicktrail (capture refuses them; issue 11, defect 4)', () => {
    expect(debugLines({ keep: ['affid', 'ct_exp', 'ct_src'] })).toEqual([
      '[clicktrail] invalid keep ct_exp',
      '[clicktrail] invalid keep ct_src',
    ]);
  });
});

describe('consent (issue 11, defect 2)', () => {
  it('stores only with true, "true" or "granted"; every other value holds the click in memory', () => {
    for (const value of ['true', 'granted']) {
      expect(resolved(dataset({ 'data-consent': value })).consent, value).toBe(true);
    }
    for (const value of ['pending', 'false', 'no', '0', 'denied', 'off', '', 'TRUE', 'Granted']) {
      expect(resolved(dataset({ 'data-consent': value })).consent, value).toBe(false);
    }
    expect(resolved({ consent: true }).consent).toBe(true);
    expect(resolved({}).consent).toBe(true);
    for (const value of [false, 0, 1, 'yes', null]) {
      expect(resolved({ consent: value as never }).consent, String(value)).toBe(false);
    }
  });
});
