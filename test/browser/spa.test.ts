// Single-page apps (issue 11, defect 9): a click id that arrives after load, through history.pushState or
// replaceState, is captured by the same rules as at load, and decorated from then on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ClickTrail, init } from '../../src/browser/index';
import { installJar, type Jar, setUrl } from './jar';
import { observed } from './observed';

let jar: Jar;
let ct: ClickTrail | undefined;
const cookie = (name: string) => jar.cookies().find((c) => c.name === name)?.value;

beforeEach(() => {
  setUrl('https://shop.example.co.uk/');
  jar = installJar('shop.example.co.uk');
  localStorage.clear();
  document.body.innerHTML = '<a id="buy" href="https://buy.stripe.com/test_1">buy</a>';
});
afterEach(() => {
  ct?.stop();
  ct = undefined;
  jar.restore();
  vi.restoreAllMocks();
});

describe('a click id that arrives after load', () => {
  it('through pushState is captured, stored, and carried by the links already on the page', () => {
    ct = init({ keep: ['affid'] });
    expect(ct.clickId()).toBeUndefined();
    history.pushState({ page: 2 }, '', '/landing?click_id=spa1&affid=9');
    expect(ct.clickId()).toBe('spa1');
    expect(ct.kept()).toEqual({ affid: '9' });
    expect(cookie('click_id')).toBe('spa1');
    expect(document.querySelector('#buy')!.getAttribute('href')).toBe(
      'https://buy.stripe.com/test_1?client_reference_id=spa1',
    );
  });

  it('through replaceState too (an OAuth return handled in the page), and links added later get it', async () => {
    ct = init();
    history.replaceState(null, '', '/callback?click_id=spa2');
    expect(ct.clickId()).toBe('spa2');
    const later = Object.assign(document.createElement('a'), { href: 'https://buy.stripe.com/test_2' });
    await observed(() => document.body.append(later));
    expect(later.getAttribute('href')).toBe('https://buy.stripe.com/test_2?client_reference_id=spa2');
  });

  it('by the same rules as at load: refused values, first-click attribution, clean URLs, consent', () => {
    ct = init({ attribution: 'first', clean: true, consent: false });
    history.pushState(null, '', '/a?click_id=bad%20value');
    expect(ct.clickId()).toBeUndefined();
    history.pushState(null, '', '/b?click_id=one&x=1#h');
    expect(ct.clickId()).toBe('one');
    // clean: the click id left the address bar, the rest stayed.
    expect(location.href).toBe('https://shop.example.co.uk/b?x=1#h');
    history.pushState(null, '', '/c?click_id=two');
    expect(ct.clickId()).toBe('one');
    // consent pending: held in memory only.
    expect(jar.writes).toEqual([]);
  });

  it('keeps the page’s own history calls as they were: same state, result and exceptions', () => {
    ct = init();
    const state = { route: 'x' };
    expect(history.pushState(state, '', '/x')).toBeUndefined();
    expect(history.state).toEqual(state);
    expect(location.pathname).toBe('/x');
    expect(() => history.pushState(null, '', 'https://elsewhere.example/')).toThrow();
  });

  it('a route change that keeps the same query stores nothing again', () => {
    ct = init();
    history.pushState(null, '', '/one?click_id=same');
    const writes = jar.writes.length;
    history.replaceState({ scroll: 1 }, '', '/one?click_id=same');
    expect(jar.writes.length).toBe(writes);
  });

  it('is no longer watched after stop()', () => {
    ct = init();
    ct.stop();
    history.pushState(null, '', '/late?click_id=late');
    expect(ct.clickId()).toBeUndefined();
  });
});

describe('a second click after load (last click)', () => {
  it('replaces the first one in the links it had decorated, and only in those', () => {
    document.body.innerHTML = `
      <a id="buy" href="https://buy.stripe.com/test_1">buy</a>
      <a id="own" href="https://buy.stripe.com/test_2?client_reference_id=user_9">own</a>`;
    setUrl('https://shop.example.co.uk/?click_id=first');
    ct = init();
    expect(document.querySelector('#buy')!.getAttribute('href')).toBe(
      'https://buy.stripe.com/test_1?client_reference_id=first',
    );
    history.pushState(null, '', '/?click_id=second');
    expect(document.querySelector('#buy')!.getAttribute('href')).toBe(
      'https://buy.stripe.com/test_1?client_reference_id=second',
    );
    expect(document.querySelector('#own')!.getAttribute('href')).toBe(
      'https://buy.stripe.com/test_2?client_reference_id=user_9',
    );
  });
});
