import { attribute } from '../core/attribution';
import { captureClick } from '../core/capture';
import { type ClickData, expiryFor } from '../core/click';
import { dataCookieName, fitData } from '../core/data-cookie';
import { editQuery } from '../core/query';
import { attempt } from './attempt';
import type { Config } from './config';
import { watchHistory } from './history';
import { decorateUrl } from './links';
import { log } from './log';
import { type Carrier, carry } from './observe';
import type { ClickTrail } from './options';
import { createStore } from './storage';

/**
 * Runs clicktrail on a checked configuration (init() and the script tag differ only in where it comes from):
 * captures the click id from the landing URL, stores it (or holds it in memory until consent), carries it to the
 * page's links, captures again when a single-page app changes the address, and returns the ClickTrail API.
 */
export const start = (config: Config): ClickTrail => {
  const { idParams, keep } = config;
  const store = createStore(config.cookie, config.domain, config.days);
  let consent = config.consent;
  // A landing that brings a click, with last-click attribution, replaces whatever is stored: the mirror's copy
  // cannot matter then, and is not read (see Store.load).
  const replacing =
    config.attribution === 'last' && !!attempt(() => captureClick(location.search, idParams, keep));
  // The current click: what links carry. Loaded from storage, then replaced by each click the address brings.
  let click: ClickData | undefined = attempt(() => store.load(consent, !replacing));
  let carrier: Carrier | undefined;
  let stopWatching: (() => void) | undefined;
  let lastSearch: string | undefined;

  // Reads a click from the address, by the same rules at load and after each pushState/replaceState.
  const land = (): void => {
    const { search, href } = location;
    // A router that keeps the query on every route change would otherwise store the same click at each one.
    if (search === lastSearch) return;
    lastSearch = search;
    const captured = captureClick(
      search,
      idParams,
      keep,
      log && ((name, value) => log?.('refused', name, value)),
    );
    if (captured) log?.('captured', captured.src, captured.id);
    const next = attribute(click, captured, config.attribution, expiryFor(Date.now(), config.days));
    if (next) {
      click = fitData(next, dataCookieName(config.cookie), log && ((name) => log?.('dropped', name)));
      if (consent) store.save(click);
      carrier?.rescan();
    } else if (captured) log?.('kept first', click!.id);
    const cleaned = config.clean && editQuery(href, [...idParams, ...keep]);
    if (cleaned && cleaned !== href) history.replaceState(history.state, '', cleaned);
  };

  attempt(land);
  attempt(() => {
    carrier = carry(() => click, config);
    stopWatching = watchHistory(land);
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
      if (click) store.save(click);
    },
    clear: () => {
      click = undefined;
      store.clear();
    },
    stop: () => {
      carrier?.stop();
      stopWatching?.();
    },
  };
};
