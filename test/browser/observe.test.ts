import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { type Config, resolveConfig } from '../../src/browser/config';
import { applyRules } from '../../src/browser/links';
import { carry, MAX_EDITS, scanSelector } from '../../src/browser/observe';
import type { ClickData } from '../../src/core/click';
import { toStripeReference } from '../../src/core/stripe-ref';
import { observed } from './observed';

// What carry() decorates with: the click a test sets (carry asks for it each time, as init's closure answers).
let current: ClickData | undefined;
let config: Config;
let log: MockInstance<typeof console.log>;
let stop: (() => void) | undefined;
const options = { stripe: { hosts: ['pay.example.com'] }, linkDomains: ['other.com'], debug: true };
const start = (): void => {
  [, stop] = carry(() => current, config);
};
const click = (id: string, kept: Record<string, string> = {}) => ({ id, src: 'click_id', exp: 0, kept });
const html = (markup: string): void => {
  document.body.innerHTML = markup;
};
const $ = <T extends Element = HTMLAnchorElement>(sel: string): T => document.querySelector(sel) as T;
const $$ = (sel: string): Element[] => [...document.querySelectorAll(sel)];

beforeEach(() => {
  // A click that navigated would change the page every later test resolves links against.
  expect(location.href).toBe('http://localhost:3000/');
  log = vi.spyOn(console, 'log').mockImplementation(() => {});
  current = click('abc123', { affid: '101', campaign: 'spring sale' });
  config = resolveConfig(options);
  html('');
});
afterEach(() => {
  stop?.();
  stop = undefined;
  log.mockRestore();
});

describe('links', () => {
  it('decorates the links already in the document', () => {
    html(`
      <a id="s" href="https://buy.stripe.com/test_1?x=1#f">buy</a>
      <a id="c" href="https://pay.example.com/b/2">buy</a>
      <a id="o" href="https://www.other.com/p">other</a>
      <a id="p" href="/signup?ref=--CLICK-ID--">signup</a>
      <map><area id="m" href="https://buy.stripe.com/3"></map>`);
    start();
    expect($('#s').getAttribute('href')).toBe(
      'https://buy.stripe.com/test_1?x=1&client_reference_id=abc123#f',
    );
    expect($('#c').getAttribute('href')).toBe('https://pay.example.com/b/2?client_reference_id=abc123');
    expect($('#o').getAttribute('href')).toBe('https://www.other.com/p?click_id=abc123');
    expect($('#p').getAttribute('href')).toBe('/signup?ref=abc123');
    expect($('#m').getAttribute('href')).toBe('https://buy.stripe.com/3?client_reference_id=abc123');
  });

  it('never touches other schemes, other hosts or same-site links', () => {
    const untouched = [
      'mailto:a@other.com?s=--CLICK-ID--',
      'tel:+15550100',
      'javascript:void(0)',
      'https://evil.net/',
      '/pricing',
      '#top',
      'https://buy.stripe.com.evil.net/a',
    ];
    html(untouched.map((h) => `<a href="${h}">x</a>`).join(''));
    start();
    expect($$('a').map((a) => a.getAttribute('href'))).toEqual(untouched);
  });

  it('decorates links added later, in nested subtrees, and only those', async () => {
    html('<a id="same" href="/x">same</a>');
    start();
    const box = document.createElement('div');
    box.innerHTML =
      '<p><a href="https://buy.stripe.com/a">a</a><span><a href="https://other.com">b</a></span></p>';
    await observed(() => document.body.append(box));
    expect($$('div a').map((a) => a.getAttribute('href'))).toEqual([
      'https://buy.stripe.com/a?client_reference_id=abc123',
      'https://other.com?click_id=abc123',
    ]);
    const single = document.createElement('a');
    single.href = 'https://buy.stripe.com/b';
    await observed(() => document.body.append(single));
    expect(single.getAttribute('href')).toBe('https://buy.stripe.com/b?client_reference_id=abc123');
    expect($('#same').getAttribute('href')).toBe('/x');
  });

  it('decorates a link whose href changes later, and again after each change', async () => {
    html('<a href="/pricing">go</a>');
    start();
    const a = $('a');
    await observed(() => a.setAttribute('href', 'https://buy.stripe.com/a'));
    expect(a.getAttribute('href')).toBe('https://buy.stripe.com/a?client_reference_id=abc123');
    await observed(() => {
      a.href = 'https://buy.stripe.com/b#x';
    });
    expect(a.getAttribute('href')).toBe('https://buy.stripe.com/b?client_reference_id=abc123#x');
  });

  it('looks only at what was added, never the whole document again', async () => {
    html(Array.from({ length: 50 }, (_, i) => `<a href="https://buy.stripe.com/${i}">${i}</a>`).join(''));
    start();
    const whole = vi.spyOn(document, 'querySelectorAll');
    const seen = vi.spyOn(Element.prototype, 'getAttribute');
    const box = document.createElement('div');
    box.innerHTML = '<a href="https://buy.stripe.com/new">n</a><b></b>';
    await observed(() => document.body.append(box));
    expect(whole).not.toHaveBeenCalled();
    // The one link that was added is read; not the 50 links already there.
    expect(new Set(seen.mock.contexts.filter((e) => e instanceof HTMLAnchorElement)).size).toBe(1);
    whole.mockRestore();
    seen.mockRestore();
    expect($('div a').getAttribute('href')).toBe('https://buy.stripe.com/new?client_reference_id=abc123');
  });

  it('settles: its own edits do not feed the observer again', async () => {
    html('');
    start();
    const a = document.createElement('a');
    a.href = 'https://buy.stripe.com/a';
    const seen: MutationRecord[] = [];
    const spy = new MutationObserver((r) => seen.push(...r));
    spy.observe(document, { subtree: true, attributes: true });
    await observed(() => document.body.append(a));
    await observed(() => document.body.append(document.createElement('i')));
    spy.disconnect();
    // One href edit by carry, not a loop of them.
    expect(seen.filter((r) => r.target === a)).toHaveLength(1);
  });

  it('does nothing without a click id, and decorates on click once one exists (the last line of defence)', async () => {
    current = undefined;
    html('<a href="https://buy.stripe.com/a"><span>buy</span></a>');
    start();
    const a = $('a');
    expect(a.getAttribute('href')).toBe('https://buy.stripe.com/a');
    current = click('late');
    let seenAtClick = '';
    a.addEventListener('click', (e) => {
      seenAtClick = a.getAttribute('href')!;
      e.preventDefault();
    });
    $('span').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
    expect(seenAtClick).toBe('https://buy.stripe.com/a?client_reference_id=late');
  });

  it('decorates on middle click and inside an open shadow root', () => {
    current = undefined;
    html('<a id="m" href="https://other.com/">m</a><div id="host"></div>');
    start();
    const root = $('#host').attachShadow({ mode: 'open' });
    root.innerHTML = '<a href="https://buy.stripe.com/s">s</a>';
    current = click('late');
    $('#m').dispatchEvent(new MouseEvent('auxclick', { bubbles: true, cancelable: true, button: 1 }));
    expect($('#m').getAttribute('href')).toBe('https://other.com/?click_id=late');
    const inner = root.querySelector('a')!;
    inner.addEventListener('click', (e) => e.preventDefault());
    inner.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
    expect(inner.getAttribute('href')).toBe('https://buy.stripe.com/s?client_reference_id=late');
  });

  it('never throws into the page: odd elements, odd hrefs, hostile elements', async () => {
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.error);
    window.addEventListener('error', onError);
    html(`
      <a href="http://[::1">bad</a><a href="">empty</a><a href="%">pct</a>
      <svg><a href="https://buy.stripe.com/svg"><text>s</text></a></svg>
      <link rel="x" href="https://buy.stripe.com/l">`);
    start();
    await observed(() => $('link').setAttribute('href', 'https://buy.stripe.com/l2'));
    expect($('link').getAttribute('href')).toBe('https://buy.stripe.com/l2');
    expect($$('a').map((a) => a.getAttribute('href'))).toEqual([
      'http://[::1',
      '',
      '%',
      'https://buy.stripe.com/svg',
    ]);
    // A link whose URL getter throws, and a form whose `elements` is one of its own inputs (DOM clobbering).
    const hostile = Object.assign(document.createElement('a'), { href: 'https://other.com/' });
    Object.defineProperty(hostile, 'hostname', {
      get: () => {
        throw new Error('hostile');
      },
    });
    const clobbered = document.createElement('form');
    clobbered.setAttribute('data-clicktrail', '');
    clobbered.innerHTML = '<input name="elements">';
    await observed(() => document.body.append(hostile, clobbered));
    hostile.addEventListener('click', (e) => e.preventDefault());
    hostile.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    clobbered.addEventListener('submit', (e) => e.preventDefault());
    clobbered.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    window.removeEventListener('error', onError);
    expect(errors).toEqual([]);
  });
});

describe('the scan prefilter', () => {
  it('names the Stripe hosts, the linkDomains and the placeholder, so no other link is parsed', () => {
    const selector = scanSelector(config, 'shop.example');
    html(`
      <a id="s" href="https://BUY.STRIPE.COM/a">s</a><a id="c" href="//pay.example.com/b">c</a>
      <a id="o" href="https://www.other.com/">o</a><area id="p" href="/x?s=--CLICK-ID--">
      <a id="n" href="/pricing">n</a><a id="e" href="https://example.org/">e</a><a id="m" href="mailto:x@y">m</a>
      <form id="f" data-clicktrail></form><form id="g"></form><stripe-buy-button id="b"></stripe-buy-button>`);
    expect($$(selector).map((e) => e.id)).toEqual(['s', 'c', 'o', 'p', 'f', 'b']);
  });

  it('matches hosts in any case, the placeholder only as written (as the rules fill it)', () => {
    const selector = scanSelector(config, 'shop.example');
    html('<a id="s" href="https://Buy.Stripe.COM/a">s</a><a id="l" href="/x?s=--click-id--">l</a>');
    expect($$(selector).map((e) => e.id)).toEqual(['s']);
    // The rules would leave it as it is anyway: the prefilter skips only links they would not change.
    const lower = '/x?s=--click-id--';
    expect(applyRules(lower, click('abc'), config, new URL(lower, 'https://shop.example/'))).toBe(lower);
  });

  it('takes every link on a page a host rule covers (a relative href is on that host)', () => {
    expect($$(scanSelector(resolveConfig({ linkDomains: ['other.com'] }), 'www.other.com'))).toEqual([]);
    html('<a href="/relative">r</a><a href="https://elsewhere.example/">e</a>');
    const covered = scanSelector(resolveConfig({ linkDomains: ['other.com'] }), 'www.other.com');
    expect($$(covered)).toHaveLength(2);
    expect(
      scanSelector(resolveConfig({ stripe: false, placeholder: false }), 'shop.example').split(','),
    ).toEqual(['form[data-clicktrail]', 'stripe-buy-button', 'stripe-pricing-table']);
  });

  it('a link the attribute test misses (a host written with an escape) is still decorated when clicked', () => {
    html('<a href="https://buy%2Estripe.com/a">escaped</a>');
    start();
    const a = $('a');
    expect(a.getAttribute('href')).toBe('https://buy%2Estripe.com/a');
    a.addEventListener('click', (e) => e.preventDefault());
    a.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(a.getAttribute('href')).toBe('https://buy%2Estripe.com/a?client_reference_id=abc123');
  });
});

describe('a page script that fights over a link', () => {
  it('gets at most MAX_EDITS edits per element from the observer, then the click handler alone', async () => {
    html('');
    start();
    // A page observer that strips client_reference_id every time clicktrail adds it. Unbounded, the two would
    // ping-pong in microtasks forever and no task would ever run again; this one gives up after 1,000 rounds.
    let rounds = 0;
    const fighter = new MutationObserver(() => {
      const href = a.getAttribute('href')!;
      if (href.includes('client_reference_id') && ++rounds < 1000)
        a.setAttribute('href', href.split('?')[0]!);
    });
    const a = Object.assign(document.createElement('a'), { href: 'https://buy.stripe.com/a' });
    fighter.observe(document, { subtree: true, attributes: true, childList: true });
    document.body.append(a);
    // The next task runs at all: the microtask ping-pong has ended.
    await new Promise((resolve) => setTimeout(resolve));
    fighter.disconnect();
    expect(rounds).toBeLessThanOrEqual(MAX_EDITS);
    expect(a.getAttribute('href')).toBe('https://buy.stripe.com/a');
    a.addEventListener('click', (e) => e.preventDefault());
    a.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(a.getAttribute('href')).toBe('https://buy.stripe.com/a?client_reference_id=abc123');
  });

  it('a link whose href the page changes now and then is decorated after each change', async () => {
    html('<a href="https://buy.stripe.com/0">x</a>');
    start();
    const a = $('a');
    for (let i = 1; i <= MAX_EDITS - 1; i++) {
      await observed(() => a.setAttribute('href', `https://buy.stripe.com/${i}`));
      expect(a.getAttribute('href')).toBe(`https://buy.stripe.com/${i}?client_reference_id=abc123`);
    }
  });
});

describe('stop()', () => {
  it('disconnects the observer and the click handler', async () => {
    html('<a id="a" href="/x">x</a>');
    start();
    stop!();
    const added = Object.assign(document.createElement('a'), { href: 'https://buy.stripe.com/late' });
    await observed(() => document.body.append(added));
    expect(added.getAttribute('href')).toBe('https://buy.stripe.com/late');
    await observed(() => $('#a').setAttribute('href', 'https://other.com/'));
    expect($('#a').getAttribute('href')).toBe('https://other.com/');
    $('#a').addEventListener('click', (e) => e.preventDefault());
    $('#a').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect($('#a').getAttribute('href')).toBe('https://other.com/');
  });
});

// Stand-ins for Stripe's elements: like the real ones, they read client-reference-id when they connect.
const connections: { tag: string; el: Element; ref: string | null }[] = [];
const recorder = (tag: string) =>
  class extends HTMLElement {
    connectedCallback(): void {
      connections.push({ tag, el: this, ref: this.getAttribute('client-reference-id') });
    }
  };
const TAGS = ['stripe-buy-button', 'stripe-pricing-table'];

describe('Stripe buy button and pricing table', () => {
  beforeEach(() => {
    connections.length = 0;
  });

  it('in the HTML before Stripe defines the tags: get the id in place, read it when they upgrade', () => {
    html(`${TAGS.map((t) => `<${t} buy-button-id="b" publishable-key="pk_test_1"></${t}>`).join('')}`);
    const before = TAGS.map((t) => $(t));
    start();
    expect(TAGS.map((t) => $(t))).toEqual(before);
    expect(before.map((e) => e.getAttribute('client-reference-id'))).toEqual(['abc123', 'abc123']);
    for (const t of TAGS) customElements.define(t, recorder(t));
    expect(connections.map((c) => [c.tag, c.ref])).toEqual(TAGS.map((t) => [t, 'abc123']));
  });

  it('already rendered when the snippet runs: re-inserted once, so they read the id', () => {
    html(TAGS.map((t) => `<${t}></${t}>`).join(''));
    expect(connections.map((c) => c.ref)).toEqual([null, null]);
    start();
    const now = TAGS.map((t) => $$(t));
    expect(now.map((l) => l.length)).toEqual([1, 1]);
    expect(connections.slice(2).map((c) => [c.tag, c.ref])).toEqual(TAGS.map((t) => [t, 'abc123']));
    expect(
      now.map(([e]) => e!.isConnected && connections.some((c) => c.el === e && c.ref === 'abc123')),
    ).toEqual([true, true]);
  });

  it('inserted later: end up rendered with the id, at the same place, re-inserted only once', async () => {
    html('<main><p id="before"></p><p id="after"></p></main>');
    start();
    const el = document.createElement('stripe-pricing-table');
    el.setAttribute('pricing-table-id', 'prctbl_1');
    await observed(() => $('#after').before(el));
    const live = $$('stripe-pricing-table');
    expect(live).toHaveLength(1);
    expect(live[0]!.previousElementSibling?.id).toBe('before');
    expect(live[0]!.getAttribute('pricing-table-id')).toBe('prctbl_1');
    expect(connections.map((c) => c.ref)).toEqual([null, 'abc123']);
    await observed(() => document.body.append(document.createElement('i')));
    await observed(() => $('main').append(document.createElement('b')));
    expect(connections).toHaveLength(2);
  });

  it('keep a client-reference-id the page set, and are left alone when stripe is off', async () => {
    start();
    const own = document.createElement('stripe-buy-button');
    own.setAttribute('client-reference-id', 'user_42');
    await observed(() => document.body.append(own));
    expect($$('stripe-buy-button')).toEqual([own]);
    expect(own.getAttribute('client-reference-id')).toBe('user_42');
    stop!();
    config = resolveConfig({ ...options, stripe: false });
    html('<stripe-pricing-table></stripe-pricing-table><a href="https://buy.stripe.com/a">a</a>');
    start();
    expect($('stripe-pricing-table').hasAttribute('client-reference-id')).toBe(false);
    expect($('a').getAttribute('href')).toBe('https://buy.stripe.com/a');
  });

  it('re-inserted with their contents decorated: links inside are done without waiting for a click', () => {
    const inside = (name: string) =>
      `<${name}><a href="https://buy.stripe.com/inside">fallback</a></${name}>`;
    html(TAGS.map(inside).join(''));
    start();
    for (const t of TAGS) {
      expect($$(`${t} a`).map((a) => a.getAttribute('href'))).toEqual([
        'https://buy.stripe.com/inside?client_reference_id=abc123',
      ]);
    }
  });

  it('get the ct64_ form of an id Stripe would drop, and nothing (logged) for one too long', () => {
    current = click('a.b c');
    html('<stripe-buy-button></stripe-buy-button>');
    start();
    expect($('stripe-buy-button').getAttribute('client-reference-id')).toBe(toStripeReference('a.b c'));
    stop!();
    const long = '.'.repeat(180);
    current = click(long);
    html('<stripe-buy-button></stripe-buy-button><a href="https://buy.stripe.com/a">a</a>');
    start();
    expect($('stripe-buy-button').hasAttribute('client-reference-id')).toBe(false);
    expect($('a').getAttribute('href')).toBe('https://buy.stripe.com/a');
    expect(log.mock.calls).toEqual([
      ['[clicktrail]', 'refused', 'stripe', long],
      ['[clicktrail]', 'refused', 'stripe', long],
    ]);
  });
});

describe('forms marked data-clicktrail', () => {
  const fields = (f: HTMLFormElement) =>
    [...f.querySelectorAll('input')].map((i) => [i.type, i.name, i.value] as [string, string, string]);

  it('get hidden inputs with the click id and the kept params; other forms get nothing', () => {
    html('<form id="m" data-clicktrail action="/signup"><input name="email"></form><form id="u"></form>');
    start();
    expect(fields($('#m'))).toEqual([
      ['text', 'email', ''],
      ['hidden', 'click_id', 'abc123'],
      ['hidden', 'affid', '101'],
      ['hidden', 'campaign', 'spring sale'],
    ]);
    expect(fields($('#u'))).toEqual([]);
    const data = new FormData($('#m') as HTMLFormElement);
    expect(data.get('campaign')).toBe('spring sale');
  });

  it('never duplicate a field, ours or the page’s, however often they are seen', async () => {
    html('<form data-clicktrail><input name="affid" value="own"></form>');
    start();
    const f = $<HTMLFormElement>('form');
    await observed(() => f.append(document.createElement('input')));
    await observed(() => f.setAttribute('data-x', '1'));
    stop!();
    start();
    expect(fields(f).filter(([, n]) => n === 'affid')).toEqual([['text', 'affid', 'own']]);
    expect(fields(f).filter(([, n]) => n === 'click_id')).toHaveLength(1);
  });

  it('get their inputs when added later, back when removed, and on submit at the latest', async () => {
    current = click('abc123');
    start();
    const f = Object.assign(document.createElement('form'), { innerHTML: '<button>go</button>' });
    f.setAttribute('data-clicktrail', '');
    await observed(() => document.body.append(f));
    expect(fields(f)).toEqual([['hidden', 'click_id', 'abc123']]);
    await observed(() => f.querySelector('input')!.remove());
    expect(fields(f)).toEqual([['hidden', 'click_id', 'abc123']]);
    stop!();
    current = undefined;
    start();
    f.querySelector('input')!.remove();
    current = click('late');
    f.addEventListener('submit', (e) => e.preventDefault());
    f.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    expect(fields(f)).toEqual([['hidden', 'click_id', 'late']]);
  });

  it('hold hostile values as plain values, never markup', () => {
    current = click('"><img src=x onerror=alert(1)>', { 'a"b': '<b>x</b>' });
    html('<form data-clicktrail></form>');
    start();
    expect($('img')).toBeNull();
    expect($('b')).toBeNull();
    expect(fields($('form'))).toEqual([
      ['hidden', 'click_id', '"><img src=x onerror=alert(1)>'],
      ['hidden', 'a"b', '<b>x</b>'],
    ]);
  });
});
