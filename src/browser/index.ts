import { attribute } from '../core/attribution';
import { captureClick } from '../core/capture';
import { expiryFor } from '../core/click';
import { DEFAULT_COOKIE, DEFAULT_DAYS, DEFAULT_ID_PARAMS } from '../core/defaults';
import { editQuery } from '../core/query';
import { attempt } from './attempt';
import { decorateUrl } from './links';
import { logger } from './log';
import { carry } from './observe';
import type { ClickTrail, LinkContext, Options } from './options';
import { store } from './storage';

export type { ClickData } from '../core/click';
export type { ClickTrail, Options } from './options';

/**
 * Captures the click id from the landing URL, stores it (or keeps it in memory until consent), starts carrying it
 * to links, and returns the ClickTrail API. Never throws: blocked storage and odd pages degrade to memory only.
 */
export const init = (o: Options = {}): ClickTrail => {
  const log = logger(o.debug);
  const params = o.params?.length ? o.params : DEFAULT_ID_PARAMS;
  const keep = o.keep || [];
  // days may arrive as a string from data-days; junk (NaN, 0) falls back to the default.
  const exp = expiryFor(Date.now(), +o.days! || DEFAULT_DAYS);
  const s = store(o.cookie || DEFAULT_COOKIE, exp, o.domain, log);
  const stripe = o.stripe;
  let consent = o.consent !== false;
  let stop: (() => void) | undefined;
  const c: LinkContext = {
    _p: params[0]!,
    _h: stripe === false ? [] : ['buy.stripe.com', ...((stripe as { hosts?: string[] })?.hosts || [])],
    _t: o.placeholder ?? '--CLICK-ID--',
    _l: o.linkDomains || [],
    _log: log,
  };
  attempt(() => {
    const d = (c._d = s._load(consent));
    const got = captureClick(location.search, params, keep, (name, value) => log('refused', name, value));
    const next = attribute(d, got, o.attribution, exp);
    if (got) log('captured', got.src, got.id);
    if (next) {
      c._d = next;
      if (consent) s._save(next);
    } else if (got) log('kept first', d!.id);
  });
  attempt(() => {
    const url = o.clean && editQuery(location.href, [...params, ...keep]);
    if (url && url !== location.href) history.replaceState(history.state, '', url);
  });
  attempt(() => (stop = carry(c)));
  return {
    clickId: () => c._d?.id,
    params: () => ({ ...c._d?.kept }),
    // Server rendering has no location: the URL comes back as given, as init() degrades there.
    decorate: (url) => (typeof location === 'undefined' ? url : decorateUrl(url, c, location.href)),
    grantConsent: () => {
      consent = true;
      if (c._d) s._save(c._d);
    },
    clear: () => {
      c._d = undefined;
      s._clear();
    },
    stop: () => stop?.(),
  };
};
