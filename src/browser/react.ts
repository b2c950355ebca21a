'use client';
// clicktrail/react: start clicktrail once per page from a React tree, and read the click id after mount.
//
// One ClickTrail per page, whatever the tree does: StrictMode mounts effects twice, a layout and a page may both
// mount <ClickTrailInit>, client navigation remounts. So the instance lives here, at module level, and is never
// stopped by an unmount: clicktrail works on the page, not on a component. Nothing runs at import or on the server;
// the click id reaches components through useSyncExternalStore, whose server snapshot (empty) is also what hydration
// renders, so the server HTML and the first client render always agree.
import { useEffect, useSyncExternalStore } from 'react';
import type {} from './global'; // window.clicktrail and the clicktrail:ready event
import { init } from './index';
import type { ClickTrail, Options } from './options';
import { isClickTrail } from './script-tag';

/** What useClickTrail() returns. */
export interface ClickTrailState {
  /** The click id; `undefined` on the server, while hydrating, until clicktrail has started, and when there is none. */
  clickId: string | undefined;
  /** The kept entry params, e.g. `{ affid: '101' }`; `{}` until then. */
  kept: Readonly<Record<string, string>>;
  /**
   * The page's ClickTrail (`decorate`, `grantConsent`, `clear`, `stop`) once it has started in the browser, else
   * `undefined`. Its `grantConsent()` and `clear()` re-render the components that use this hook.
   */
  clicktrail: ClickTrail | undefined;
}

const EMPTY: ClickTrailState = { clickId: undefined, kept: {}, clicktrail: undefined };

let page: ClickTrail | undefined;
let snapshot = EMPTY;
const listeners = new Set<() => void>();
const changed = () => {
  for (const listener of listeners) listener();
};

/** Wraps the methods that change the click so that the hook's users re-render. */
const watch = (ct: ClickTrail): ClickTrail => ({
  ...ct,
  grantConsent: () => {
    ct.grantConsent();
    changed();
  },
  clear: () => {
    ct.clear();
    changed();
  },
});

/** The page's ClickTrail: the script tag's when it has run, else init(options), once. */
const start = (options: Options): void => {
  if (page) return;
  // An element named `clicktrail` (DOM clobbering) is not the script tag's object.
  page = watch(isClickTrail(window.clicktrail) ? window.clicktrail : init(options));
  changed();
};

/** A script tag that finishes loading after React has mounted is adopted when it announces itself. */
const adoptScriptTag = () => {
  if (page || !isClickTrail(window.clicktrail)) return;
  page = watch(window.clicktrail);
  changed();
};

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  addEventListener('clicktrail:ready', adoptScriptTag);
  adoptScriptTag();
  return () => {
    listeners.delete(listener);
    removeEventListener('clicktrail:ready', adoptScriptTag);
  };
};

const sameKept = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

// A new object only when something changed: useSyncExternalStore re-renders on every new snapshot.
const getSnapshot = (): ClickTrailState => {
  if (!page) return EMPTY;
  const clickId = page.clickId();
  const kept = page.kept();
  if (page !== snapshot.clicktrail || clickId !== snapshot.clickId || !sameKept(kept, snapshot.kept))
    snapshot = { clickId, kept, clicktrail: page };
  return snapshot;
};

const getServerSnapshot = () => EMPTY;

/**
 * Starts clicktrail in the browser once per page, with these options (the same as init()'s). Renders nothing.
 * Mount it once near the root (a Next.js root layout, a Vite app's top component); more mounts, StrictMode's
 * double effects and remounts never start it twice (the first mount's options win), and unmounting never stops
 * it. When the script tag has already run, its `window.clicktrail` is used instead.
 */
export function ClickTrailInit(options: Options): null {
  // biome-ignore lint/correctness/useExhaustiveDependencies: clicktrail starts once per page; later options are ignored.
  useEffect(() => start(options), []);
  return null;
}

/**
 * The click id, the kept params and the page's ClickTrail, for rendering. Empty on the server and during
 * hydration (so server and client HTML agree), filled right after mount once `<ClickTrailInit>` (or the script
 * tag) has started clicktrail. It never starts clicktrail itself.
 */
export function useClickTrail(): ClickTrailState {
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}

export type { ClickTrail, Options } from './options';
