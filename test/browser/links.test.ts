import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/browser/config';
import { applyRules, decorateUrl as decorateWith } from '../../src/browser/links';
import type { ClickData } from '../../src/core/click';
import { decode } from '../../src/core/encode';
import { toStripeReference } from '../../src/core/stripe-ref';
import { getParam } from '../core/get-param';

interface Over {
  id?: string | undefined;
  param?: string;
  stripe?: boolean | { hosts: string[] };
  placeholder?: string | false;
  linkDomains?: string[];
  debug?: boolean;
}
/** A click and the configuration the link rules run on, built as init() builds them. */
interface Setup {
  click: ClickData | undefined;
  config: ReturnType<typeof resolveConfig>;
}
const ctx = (over: Over = {}): Setup => {
  const id = 'id' in over ? over.id : 'abc123';
  const config = resolveConfig({
    idParams: [over.param ?? 'click_id'],
    stripe: over.stripe ?? { hosts: ['pay.example.com'] },
    placeholder: over.placeholder ?? '--CLICK-ID--',
    linkDomains: over.linkDomains ?? ['other.com'],
    debug: over.debug ?? false,
  });
  return {
    click: id === undefined ? undefined : { id, src: 'click_id', exp: 0, kept: {} },
    config,
  };
};
const decorateUrl = (url: string, { click, config }: Setup, pageHref?: string) =>
  decorateWith(url, click, config, pageHref);
const page = 'https://shop.example/pricing';

describe('Stripe payment links', () => {
  it('get client_reference_id on live, test and custom-domain links', () => {
    const c = ctx();
    expect(decorateUrl('https://buy.stripe.com/9AQ5nM0', c)).toBe(
      'https://buy.stripe.com/9AQ5nM0?client_reference_id=abc123',
    );
    expect(decorateUrl('https://buy.stripe.com/test_28o3fG', c)).toBe(
      'https://buy.stripe.com/test_28o3fG?client_reference_id=abc123',
    );
    expect(decorateUrl('https://pay.example.com/b/4gw5lL?prefilled_email=a%40b.c#x', c)).toBe(
      'https://pay.example.com/b/4gw5lL?prefilled_email=a%40b.c&client_reference_id=abc123#x',
    );
    expect(decorateUrl('HTTPS://BUY.STRIPE.COM/abc', c)).toBe(
      'HTTPS://BUY.STRIPE.COM/abc?client_reference_id=abc123',
    );
  });
  it('leave a non-empty existing client_reference_id alone and replace empty ones', () => {
    const c = ctx();
    expect(decorateUrl('https://buy.stripe.com/a?client_reference_id=user_9', c)).toBe(
      'https://buy.stripe.com/a?client_reference_id=user_9',
    );
    expect(decorateUrl('https://buy.stripe.com/a?client_reference_id=&x=1#h', c)).toBe(
      'https://buy.stripe.com/a?x=1&client_reference_id=abc123#h',
    );
    expect(decorateUrl('https://buy.stripe.com/a?x=1&&y=2&', c)).toBe(
      'https://buy.stripe.com/a?x=1&&y=2&client_reference_id=abc123',
    );
    expect(decorateUrl('https://buy.stripe.com/a?client_reference_id&client_reference_id=u', c)).toBe(
      'https://buy.stripe.com/a?client_reference_id&client_reference_id=u',
    );
  });
  it('never reach lookalike hosts or Stripe hosts that are not payment links', () => {
    const c = ctx();
    for (const u of [
      'https://buy.stripe.com.evil.net/a',
      'https://evilbuy.stripe.com/a',
      'https://checkout.stripe.com/c/pay/cs_test_1',
      'https://stripe.com/',
      'https://evil.net/?next=https://buy.stripe.com/a',
      'https://evil.net\\@buy.stripe.com/a',
    ]) {
      expect(decorateUrl(u, c)).toBe(u);
    }
  });
  it('carry an id Stripe would drop in its reversible ct64_ form, and skip (logged) one too long for it', () => {
    expect(decorateUrl('https://buy.stripe.com/a', ctx({ id: 'a.b/c' }))).toBe(
      `https://buy.stripe.com/a?client_reference_id=${toStripeReference('a.b/c')}`,
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const long = '.'.repeat(200);
    expect(decorateUrl('https://buy.stripe.com/a', ctx({ id: long, debug: true }))).toBe(
      'https://buy.stripe.com/a',
    );
    expect(log).toHaveBeenCalledWith('[clicktrail]', 'refused', 'stripe', long);
    log.mockRestore();
  });
  it('fill a placeholder with the form Stripe accepts, never a raw id Stripe would drop', () => {
    const u = 'https://buy.stripe.com/a?client_reference_id=--CLICK-ID--';
    expect(decorateUrl(u, ctx({ id: 'a.b/c' }))).toBe(
      `https://buy.stripe.com/a?client_reference_id=${toStripeReference('a.b/c')}`,
    );
    expect(decorateUrl(u, ctx())).toBe('https://buy.stripe.com/a?client_reference_id=abc123');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const long = '.'.repeat(200);
    expect(decorateUrl(u, ctx({ id: long, debug: true }))).toBe(u);
    expect(log).toHaveBeenCalledWith('[clicktrail]', 'refused', 'stripe', long);
    log.mockRestore();
    // Elsewhere the placeholder still gets the id itself.
    expect(decorateUrl('https://t.example/?s=--CLICK-ID--', ctx({ id: 'a.b/c' }))).toBe(
      'https://t.example/?s=a.b%2Fc',
    );
  });
  it('drop the whitespace an href ends with instead of appending after it (it would land in the path)', () => {
    const c = ctx();
    expect(decorateUrl('https://buy.stripe.com/a\n  ', c)).toBe(
      'https://buy.stripe.com/a?client_reference_id=abc123',
    );
    expect(decorateUrl(' https://www.other.com/p?x=1 ', c)).toBe(
      'https://www.other.com/p?x=1&click_id=abc123',
    );
    // A link no rule appends to is never touched, whitespace included.
    expect(decorateUrl('https://evil.net/a \n', c)).toBe('https://evil.net/a \n');
    expect(decorateUrl('https://t.example/--CLICK-ID-- ', c)).toBe('https://t.example/abc123 ');
  });
  it('are left alone when stripe is off', () => {
    expect(decorateUrl('https://buy.stripe.com/a', ctx({ stripe: false }))).toBe('https://buy.stripe.com/a');
  });
});

describe('placeholders', () => {
  it('are replaced anywhere in the href by the encoded id', () => {
    const c = ctx({ id: 'a b&c' });
    expect(decorateUrl('https://t.example/go/--CLICK-ID--?s=--CLICK-ID--#--CLICK-ID--', c)).toBe(
      'https://t.example/go/a%20b%26c?s=a%20b%26c#a%20b%26c',
    );
    expect(decorateUrl('/signup?ref=--CLICK-ID--', c, page)).toBe('/signup?ref=a%20b%26c');
  });
  it('use the configured token, and none when turned off', () => {
    expect(decorateUrl('https://t.example/?s={cid}', ctx({ placeholder: '{cid}' }))).toBe(
      'https://t.example/?s=abc123',
    );
    expect(decorateUrl('https://t.example/?s=--CLICK-ID--', ctx({ placeholder: false }))).toBe(
      'https://t.example/?s=--CLICK-ID--',
    );
  });
  it('are left as they are for an id that contains the token (it would change on every pass)', () => {
    const u = 'https://t.example/?s=--CLICK-ID--';
    expect(decorateUrl(u, ctx({ id: 'x--CLICK-ID--' }))).toBe(u);
  });
});

describe('cross-domain links', () => {
  it('carry the click id param to linkDomains hosts and their subdomains', () => {
    const c = ctx({ param: 'affS1', linkDomains: ['other.com', 'third.co.uk'] });
    expect(decorateUrl('https://other.com/', c)).toBe('https://other.com/?affS1=abc123');
    expect(decorateUrl('https://www.other.com/p?a=1#h', c)).toBe(
      'https://www.other.com/p?a=1&affS1=abc123#h',
    );
    expect(decorateUrl('http://a.b.third.co.uk', c)).toBe('http://a.b.third.co.uk?affS1=abc123');
    expect(decorateUrl('https://other.com/?affS1=old', c)).toBe('https://other.com/?affS1=old');
  });
  it('never reach any other host', () => {
    const c = ctx();
    for (const u of [
      'https://notother.com/',
      'https://other.com.evil.net/',
      'https://evil.net/other.com',
      'https://evil.net/?u=https://other.com',
      'https://shop.example/next',
    ]) {
      expect(decorateUrl(u, c)).toBe(u);
    }
    expect(decorateUrl('/next', c, page)).toBe('/next');
  });
  it('edit a relative href in place when the page itself is listed', () => {
    expect(decorateUrl('/p?x=1', ctx(), 'https://www.other.com/')).toBe('/p?x=1&click_id=abc123');
    expect(decorateUrl('//buy.stripe.com/a', ctx(), page)).toBe(
      '//buy.stripe.com/a?client_reference_id=abc123',
    );
  });
});

describe('what is never touched', () => {
  it('other schemes, even with a placeholder or a Stripe host inside', () => {
    const c = ctx();
    for (const u of [
      'javascript:location="https://buy.stripe.com/a?--CLICK-ID--"',
      ' JavaScript:void(0)//buy.stripe.com',
      'mailto:sales@other.com?subject=--CLICK-ID--',
      'tel:+15550100',
      'data:text/html,--CLICK-ID--',
      'ftp://other.com/--CLICK-ID--',
      'blob:https://other.com/1',
    ]) {
      expect(decorateUrl(u, c, page)).toBe(u);
    }
  });
  it('everything when there is no click id', () => {
    const c = ctx({ id: undefined });
    for (const u of ['https://buy.stripe.com/a', 'https://other.com/', 'https://t.example/--CLICK-ID--']) {
      expect(decorateUrl(u, c)).toBe(u);
    }
  });
  it('hrefs that do not parse, without throwing', () => {
    const c = ctx();
    for (const u of ['http://[::1', 'https://', '%', '\u0000', '', '/relative/--CLICK-ID--']) {
      expect(decorateUrl(u, c)).toBe(u);
    }
  });
  it('applyRules trusts the scheme and host it is given', () => {
    const { click, config } = ctx();
    expect(applyRules('x?--CLICK-ID--', click, config, { protocol: 'mailto:', hostname: '' })).toBe(
      'x?--CLICK-ID--',
    );
    expect(applyRules('/b/1', click, config, { protocol: 'https:', hostname: 'pay.example.com' })).toBe(
      '/b/1?client_reference_id=abc123',
    );
  });
  it('a placeholder turned off is never searched for (not even as the text "false")', () => {
    const off = ctx({ placeholder: false });
    expect(decorateUrl('https://t.example/false?x=false', off)).toBe('https://t.example/false?x=false');
    // And without a placeholder rule or a host rule, the scheme is never read (the getter parses the href).
    const parsed = { hostname: 't.example', protocol: '' };
    let protocolReads = 0;
    Object.defineProperty(parsed, 'protocol', {
      get: () => {
        protocolReads++;
        return 'https:';
      },
    });
    applyRules('https://t.example/false', off.click, off.config, parsed);
    expect(protocolReads).toBe(0);
  });
});

// Properties over generated links: any host, path, query pairs written any way, any fragment, any id.
const piece = (exclude: RegExp) =>
  fc
    .string({ unit: fc.constantFrom(...'aZ09-_.~%+=!*()$,;:@/?é 😀&#'.split('')), maxLength: 12 })
    .map((s) => s.replace(exclude, ''));
const hosts = ['buy.stripe.com', 'pay.example.com', 'other.com', 'www.other.com', 'shop.example', 'evil.net'];
const link = fc
  .record({
    host: fc.constantFrom(...hosts),
    path: piece(/[?#]/g),
    pairs: fc.option(fc.array(piece(/[&#]/g), { maxLength: 4 }), { nil: undefined }),
    hash: fc.option(piece(/(?:)/g), { nil: undefined }),
    token: fc.boolean(),
  })
  .map(
    ({ host, path, pairs, hash, token }) =>
      `https://${host}/${path}${token ? '--CLICK-ID--' : ''}${pairs ? `?${pairs.join('&')}` : ''}${hash === undefined ? '' : `#${hash}`}`,
  );
const id = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
const ours = ['client_reference_id', 'click_id'];
const hashOf = (u: string): string => (u.includes('#') ? u.slice(u.indexOf('#')) : '');
const otherPairs = (u: string): string[] => {
  const q = (u.split('#')[0] as string).split('?').slice(1).join('?');
  return q.split('&').filter((p) => p && !ours.includes(decode(p.split('=')[0]!) as string));
};

describe('link rules (properties)', () => {
  it('are idempotent', () => {
    fc.assert(
      fc.property(link, id, (u, i) => {
        const c = ctx({ id: i });
        const once = decorateUrl(u, c);
        expect(decorateUrl(once, c)).toBe(once);
      }),
    );
  });
  it('keep every other param and the fragment', () => {
    fc.assert(
      fc.property(link, id, (u, i) => {
        const c = ctx({ id: i });
        const out = decorateUrl(u, c);
        // The placeholder sits in the path, so the query and fragment are the input's, plus our pair.
        // An href that gets a pair loses only the whitespace around it, which browsers ignore anyway.
        const v = out !== u && /stripe|pay\.|other/.test(new URL(u).hostname) ? u.trim() : u;
        expect(otherPairs(out)).toEqual(otherPairs(v));
        expect(hashOf(out)).toBe(hashOf(v));
      }),
    );
  });
  it('encode the value exactly once', () => {
    fc.assert(
      fc.property(link, id, (u, i) => {
        fc.pre(!u.includes('client_reference_id') && !/click(_|%5F)id/i.test(u));
        const c = ctx({ id: i });
        const out = decorateUrl(u, c);
        const host = new URL(u).hostname;
        const ref = toStripeReference(i);
        const stripeHost = c.config.stripe.includes(host);
        if (stripeHost && ref) expect(getParam(out, 'client_reference_id')).toBe(ref);
        else expect(getParam(out, 'client_reference_id')).toBeUndefined();
        if (host.endsWith('other.com')) expect(getParam(out, 'click_id')).toBe(i);
        else expect(getParam(out, 'click_id')).toBeUndefined();
        // A Stripe link's placeholder gets Stripe's form of the id (none when it has none), others the id.
        const v = stripeHost ? ref : i;
        const e = v && encodeURIComponent(v);
        if (u.includes('--CLICK-ID--')) {
          if (e && !e.includes('--CLICK-ID--')) {
            expect(out.startsWith(u.slice(0, u.indexOf('--CLICK-ID--')) + e)).toBe(true);
            expect(out).not.toContain('--CLICK-ID--');
          } else expect(out).toContain('--CLICK-ID--');
        }
      }),
    );
  });
});
