import type { ClickData } from '../core/cookie-format';
import { removeParams } from '../core/query';
import { attempt } from './attempt';
import { capture } from './capture';
import { decorateUrl } from './links';
import { logger } from './log';
import { carry } from './observe';
import type { ClickTrail, LinkContext, Options } from './options';
import { now, store } from './storage';

export type { ClickData } from '../core/cookie-format';
export type { ClickTrail, LinkContext, Options } from './options';

/**
 * Captures the click id from the landing URL, stores it (or keeps it in memory until consent), starts carrying it
 * to links, and returns the ClickTrail API. Never throws: blocked storage and odd pages degrade to memory only.
 */
export const init = (o: Options = {}): ClickTrail => {
  const log = logger(o.debug);
  const params = o.params?.length ? o.params : ['click_id'];
  const keep = o.keep || [];
  const days = +o.days! > 0 && +o.days! < 1e4 ? +o.days! : 365;
  const s = store(o.cookie || 'click_id', days, o.domain, log);
  const stripe = o.stripe;
  let consent = o.consent !== false;
  let data: ClickData | undefined;
  let stop: (() => void) | undefined;
  const ctx = (): LinkContext => ({
    id: data?.id,
    params: { ...data?.params },
    param: params[0]!,
    stripeHosts:
      stripe === false ? [] : ['buy.stripe.com', ...((stripe as { hosts?: string[] })?.hosts || [])],
    placeholder: o.placeholder === false ? false : o.placeholder || '--CLICK-ID--',
    linkDomains: o.linkDomains || [],
  });
  attempt(() => {
    data = s._load(consent);
    const got = capture(location.search, params, keep, log);
    if (got) {
      if (data && o.attribution === 'first') log('kept first', data.id);
      else {
        // The same click again (a reload) keeps what it already knew; a new click brings only its own params.
        data = {
          ...got,
          exp: now() + days * 864e2,
          params: { ...(data?.id === got.id && data.params), ...got.params },
        };
        if (consent) s._save(data);
      }
    }
    if (o.clean) {
      const url = removeParams(location.href, [...params, ...keep]);
      if (url !== location.href) history.replaceState(history.state, '', url);
    }
  });
  attempt(() => (stop = carry(ctx, log)));
  return {
    clickId: () => data?.id,
    params: () => ({ ...data?.params }),
    decorate: (url) => attempt(() => decorateUrl(url, ctx(), location.href, log)) ?? url,
    grantConsent: () => {
      if (!consent && (consent = true) && data) s._save(data);
    },
    clear: () => {
      data = undefined;
      s._clear();
    },
    stop: () => attempt(() => stop?.()),
  };
};
