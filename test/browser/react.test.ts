// clicktrail/react in a browser (happy-dom): started once per page whatever the tree does, the click id after
// mount, server HTML hydrated without a mismatch. (The SSR side, without any window, is react-ssr.test.ts.)
import { act, createElement as h, StrictMode } from 'react';
import { createRoot, hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClickTrail } from '../../src/browser/index';
import { installJar, type Jar, setUrl } from './jar';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

type ReactEntry = typeof import('../../src/browser/react');

let entry: ReactEntry;
let jar: Jar;
let root: Root | undefined;
let started: ClickTrail[];
let initCalls: number;

/**
 * A fresh copy of clicktrail/react (its once-per-page state is module level, as on a real page), with init()
 * counted: the count is the behaviour under test, the real init still runs.
 */
const load = async (): Promise<ReactEntry> => {
  vi.resetModules();
  const browser = await import('../../src/browser/index');
  vi.doMock('../../src/browser/index', () => ({
    ...browser,
    init: (options?: Parameters<typeof browser.init>[0]) => {
      initCalls++;
      const ct = browser.init(options);
      started.push(ct);
      return ct;
    },
  }));
  entry = await import('../../src/browser/react');
  return entry;
};

// Components at module level (as in an app), on the copy load() gave this test.
const renders: (string | undefined)[] = [];
/** The click id and one kept param, as text. */
const Show = () => {
  const { clickId, kept } = entry.useClickTrail();
  renders.push(clickId);
  return h('p', null, `${clickId ?? 'none'}${kept.affid ? ` ${kept.affid}` : ''}`);
};
/** The click id in an attribute and in the text, as a link a page would render. */
const Link = () => {
  const { clickId } = entry.useClickTrail();
  return h('a', { href: '/pricing', 'data-click': clickId ?? '' }, clickId ? `id ${clickId}` : 'no id');
};
/** Hands the hook's ClickTrail to the test. */
let handed: ClickTrail | undefined;
const Hand = () => {
  const state = entry.useClickTrail();
  handed = state.clicktrail;
  return h('p', null, state.clickId ?? 'none');
};
const seen = new Set<unknown>();
/** Records every state object it is given. */
const Record = () => {
  seen.add(entry.useClickTrail());
  return null;
};

const container = () => {
  const el = document.createElement('div');
  document.body.append(el);
  return el;
};

beforeEach(() => {
  setUrl('https://shop.example.test/?click_id=abc123&affid=101');
  jar = installJar('shop.example.test');
  localStorage.clear();
  document.body.innerHTML = '';
  started = [];
  initCalls = 0;
  renders.length = 0;
  seen.clear();
  handed = undefined;
  delete window.clicktrail;
});
afterEach(async () => {
  await act(async () => root?.unmount());
  root = undefined;
  for (const ct of started) ct.stop();
  jar.restore();
  vi.doUnmock('../../src/browser/index');
  vi.restoreAllMocks();
});

describe('clicktrail/react', () => {
  it('starts clicktrail once under StrictMode with several <ClickTrailInit>, and shows the id after mount', async () => {
    const { ClickTrailInit } = await load();
    const el = container();
    await act(async () => {
      root = createRoot(el);
      root.render(
        h(
          StrictMode,
          null,
          h(ClickTrailInit, { keep: ['affid'] }),
          h(Show),
          h('section', null, h(ClickTrailInit, { keep: ['other'] }), h(Show)),
        ),
      );
    });
    expect(initCalls).toBe(1);
    expect(el.textContent).toBe('abc123 101abc123 101');
    // The first render of a fresh page has nothing yet: the id comes from the effect, after mount.
    expect(renders[0]).toBeUndefined();
    expect(jar.cookies().find((c) => c.name === 'click_id')?.value).toBe('abc123');
  });

  it('never starts twice across unmounts and remounts (client navigation), and unmounting does not stop it', async () => {
    const { ClickTrailInit } = await load();
    const el = container();
    await act(async () => {
      root = createRoot(el);
      root.render(h(ClickTrailInit));
    });
    await act(async () => root!.render(h('div')));
    await act(async () => root!.render(h('main', null, h(ClickTrailInit), h(Show))));
    expect(initCalls).toBe(1);
    expect(el.textContent).toBe('abc123');
    // Still carrying: a Stripe link added now is decorated by the running instance.
    const a = document.createElement('a');
    a.href = 'https://buy.stripe.com/test_1';
    document.body.append(a);
    await vi.waitFor(() => expect(a.href).toBe('https://buy.stripe.com/test_1?client_reference_id=abc123'));
  });

  it('hydrates server HTML without a mismatch: empty on the server and while hydrating, the id right after', async () => {
    const { ClickTrailInit } = await load();
    const app = () => h(StrictMode, null, h(ClickTrailInit), h(Link));
    const el = container();
    el.innerHTML = renderToString(app());
    expect(el.innerHTML).toBe('<a href="/pricing" data-click="">no id</a>');
    const recoverable = vi.fn();
    const consoleError = vi.spyOn(console, 'error');
    await act(async () => {
      root = hydrateRoot(el, app(), { onRecoverableError: recoverable });
    });
    expect(recoverable).not.toHaveBeenCalled();
    expect(consoleError).not.toHaveBeenCalled();
    expect(el.innerHTML).toBe('<a href="/pricing" data-click="abc123">id abc123</a>');
    expect(initCalls).toBe(1);
  });

  it('matches the server HTML when hydrating after clicktrail has started (a later boundary, a second root)', async () => {
    const { ClickTrailInit } = await load();
    const first = createRoot(container());
    await act(async () => first.render(h(ClickTrailInit)));
    const el = container();
    el.innerHTML = '<p>none</p>'; // what a server renders (react-ssr.test.ts: no window, no id)
    const recoverable = vi.fn();
    const consoleError = vi.spyOn(console, 'error');
    await act(async () => {
      root = hydrateRoot(el, h(Show), { onRecoverableError: recoverable });
    });
    expect(recoverable).not.toHaveBeenCalled();
    expect(consoleError).not.toHaveBeenCalled();
    expect(el.textContent).toBe('abc123');
    await act(async () => first.unmount());
  });

  it('uses the script tag instance when it has run, and adopts one that announces itself later', async () => {
    const browser = await import('../../src/browser/index');
    const { ClickTrailInit } = await load();
    const el = container();
    await act(async () => {
      root = createRoot(el);
      root.render(h(Show));
    });
    expect(el.textContent).toBe('none');
    // What dist/clicktrail.min.js does once it has loaded.
    const tag = browser.init();
    started.push(tag);
    await act(async () => {
      window.clicktrail = tag;
      dispatchEvent(new CustomEvent('clicktrail:ready', { detail: tag }));
    });
    expect(el.textContent).toBe('abc123');
    await act(async () => root!.render(h('div', null, h(ClickTrailInit), h(Show))));
    expect(initCalls).toBe(0);
  });

  it('re-renders after clear() and grantConsent() called through the hook', async () => {
    const { ClickTrailInit } = await load();
    const el = container();
    await act(async () => {
      root = createRoot(el);
      root.render(h('div', null, h(ClickTrailInit, { consent: false }), h(Hand)));
    });
    expect(el.textContent).toBe('abc123');
    expect(jar.cookies()).toEqual([]); // consent pending: nothing written
    await act(async () => handed!.grantConsent());
    expect(jar.cookies().find((c) => c.name === 'click_id')?.value).toBe('abc123');
    await act(async () => handed!.clear());
    expect(el.textContent).toBe('none');
    expect(jar.cookies().find((c) => c.name === 'click_id')).toBeUndefined();
  });

  it('keeps the same state object while nothing changes (no render loop)', async () => {
    const { ClickTrailInit } = await load();
    await act(async () => {
      root = createRoot(container());
      root.render(h('div', null, h(ClickTrailInit), h(Record)));
    });
    await act(async () => root!.render(h('div', null, h(ClickTrailInit), h(Record))));
    expect(seen.size).toBe(2); // the empty state, then the started one
  });
});
