import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { applyRules, decorateUrl } from '../../src/browser/links';
import type { Log } from '../../src/browser/log';
import type { LinkContext } from '../../src/browser/options';
import { decode } from '../../src/core/encode';
import { getParam } from '../../src/core/query';
import { toStripeReference } from '../../src/core/stripe-ref';

interface Over {
  id?: string | undefined;
  param?: string;
  stripeHosts?: string[];
  placeholder?: string | false;
  linkDomains?: string[];
  log?: Log;
}
const ctx = (over: Over = {}): LinkContext => {
  const id = 'id' in over ? over.id : 'abc123';
  return {
    _d: id === undefined ? undefined : { id, src: 'click_id', exp: 0, kept: {} },
    _p: over.param ?? 'click_id',
    _h: over.stripeHosts ?? ['buy.stripe.com', 'pay.example.com'],
    _t: over.placeholder ?? '--CLICK-ID--',
    _l: over.linkDomains ?? ['other.com'],
    _log: over.log ?? (() => {}),
  };
};
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
    const log = vi.fn();
    const long = '.'.repeat(200);
    expect(decorateUrl('https://buy.stripe.com/a', ctx({ id: long, log }))).toBe('https://buy.stripe.com/a');
    expect(log).toHaveBeenCalledWith('refused', 'stripe', long);
  });
  it('fill a placeholder with the form Stripe accepts, never a raw id Stripe would drop', () => {
    const u = 'https://buy.stripe.com/a?client_reference_id=--CLICK-ID--';
    expect(decorateUrl(u, ctx({ id: 'a.b/c' }))).toBe(
      `https://buy.stripe.com/a?client_reference_id=${toStripeReference('a.b/c')}`,
    );
    expect(decorateUrl(u, ctx())).toBe('https://buy.stripe.com/a?client_reference_id=abc123');
    const log = vi.fn();
    const long = '.'.repeat(200);
    expect(decorateUrl(u, ctx({ id: long, log }))).toBe(u);
    expect(log).toHaveBeenCalledWith('refused', 'stripe', long);
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
    expect(decorateUrl('https://buy.stripe.com/a', ctx({ stripeHosts: [] }))).toBe(
      'https://buy.stripe.com/a',
    );
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
    expect(applyRules('x?--CLICK-ID--', ctx(), { protocol: 'mailto:', hostname: '' })).toBe('x?--CLICK-ID--');
    expect(applyRules('/b/1', ctx(), { protocol: 'https:', hostname: 'pay.example.com' })).toBe(
      '/b/1?client_reference_id=abc123',
    );
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
        if (c._h.includes(host) && ref) expect(getParam(out, 'client_reference_id')).toBe(ref);
        else expect(getParam(out, 'client_reference_id')).toBeUndefined();
        if (host.endsWith('other.com')) expect(getParam(out, 'click_id')).toBe(i);
        else expect(getParam(out, 'click_id')).toBeUndefined();
        // A Stripe link's placeholder gets Stripe's form of the id (none when it has none), others the id.
        const v = c._h.includes(host) ? ref : i;
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
