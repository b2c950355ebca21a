import { editQuery } from '../core/query';
import { attempt } from './attempt';
import { capture } from './capture';
import { decorateUrl } from './links';
import { logger } from './log';
import { carry } from './observe';
import type { ClickTrail, LinkContext, Options } from './options';
import { now, store } from './storage';

export type { ClickData } from '../core/cookie-format';
export type { ClickTrail, Options } from './options';

/**
 * Captures the click id from the landing URL, stores it (or keeps it in memory until consent), starts carrying it
 * to links, and returns the ClickTrail API. Never throws: blocked storage and odd pages degrade to memory only.
 */
export const init = (o: Options = {}): ClickTrail => {
  const log = logger(o.debug);
  const params = o.params?.length ? o.params : ['click_id'];
  const keep = o.keep || [];
  // days may arrive as a string from data-days; junk (NaN, 0) falls back to the default.
  const exp = now() + (+o.days! || 365) * 864e2;
  const s = store(o.cookie || 'click_id', exp, o.domain, log);
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
    const got = capture(location.search, params, keep, log);
    if (got) {
      if (d && o.attribution === 'first') log('kept first', d.id);
      else {
        // The same click again (a reload) keeps what it already knew; a new click brings only its own params.
        c._d = { ...got, exp, params: { ...(d?.id === got.id && d.params), ...got.params } };
        if (consent) s._save(c._d);
      }
    }
  });
  attempt(() => {
    const url = o.clean && editQuery(location.href, [...params, ...keep]);
    if (url && url !== location.href) history.replaceState(history.state, '', url);
  });
  attempt(() => (stop = carry(c)));
  return {
    clickId: () => c._d?.id,
    params: () => ({ ...c._d?.params }),
    decorate: (url) => decorateUrl(url, c, location.href),
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
