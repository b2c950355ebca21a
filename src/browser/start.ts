import { attribute } from '../core/attribution';
import { captureClick } from '../core/capture';
import { type CapturedClick, expiryFor } from '../core/click';
import { dataCookieName, fitData } from '../core/data-cookie';
import { editQuery } from '../core/query';
import { attempt } from './attempt';
import type { Config } from './config';
import { watchHistory } from './history';
import { decorateUrl } from './links';
import { log } from './log';
import { carry } from './observe';
import type { ClickTrail } from './options';
import { createStore } from './storage';

/**
 * Runs clicktrail on a checked configuration (init() and the script tag differ only in where it comes from):
 * captures the click id from the landing URL, stores it (or holds it in memory until consent), carries it to the
 * page's links, captures again when a single-page app changes the address, and returns the ClickTrail API.
 */
export const start = (config: Config): ClickTrail => {
  const { idParams, keep } = config;
  const [load, save, clear] = createStore(config.cookie, config.domain, config.days);
  let consent = config.consent;
  let stopped = false;
  let rescan: (() => void) | undefined;
  let stopCarrying: (() => void) | undefined;
  const capture = (search: string): CapturedClick | undefined =>
    captureClick(search, idParams, keep, log && ((name, value) => log?.('refused', name, value)));

  // The address the click was last read from: a router that keeps the query on every route change would otherwise
  // store the same click at each one. Server rendering has no location: nothing to capture there.
  let search = typeof location === 'undefined' ? '' : location.search;
  const landing = capture(search);
  // The current click: what links carry. Loaded from storage, then replaced by each click the address brings. A
  // landing that brings a click, with last-click attribution, replaces whatever is stored: the mirror's copy cannot
  // matter then, and is not read (see Load).
  let click = load(consent, !!landing && config.attribution === 'last');

  // A click read from the address, by the same rules at load and after each pushState/replaceState.
  const land = (captured: CapturedClick | undefined): void => {
    if (captured) log?.('captured', captured.src, captured.id);
    const next = attribute(click, captured, config.attribution, expiryFor(Date.now(), config.days));
    if (next) {
      click = fitData(next, dataCookieName(config.cookie), log && ((name) => log?.('dropped', name)));
      if (consent) save(click);
      rescan?.();
    } else if (captured) log?.('kept first', click!.id);
    const { href } = location;
    const cleaned = config.clean && editQuery(href, [...idParams, ...keep]);
    if (cleaned && cleaned !== href) history.replaceState(history.state, '', cleaned);
  };

  attempt(() => land(landing));
  attempt(() => {
    [rescan, stopCarrying] = carry(() => click, config);
    watchHistory(() => {
      if (!stopped && location.search !== search) land(capture((search = location.search)));
    });
  });
  const kept = () => ({ ...click?.kept });
  return {
    clickId: () => click?.id,
    kept,
    params: kept,
    // Server rendering has no location: the URL comes back as given, as init() degrades there.
    decorate: (url) =>
      typeof location === 'undefined' ? url : decorateUrl(url, click, config, location.href),
    grantConsent: () => {
      consent = true;
      if (click) save(click);
    },
    clear: () => {
      click = undefined;
      clear();
    },
    stop: () => {
      stopped = true;
      stopCarrying?.();
    },
  };
};
