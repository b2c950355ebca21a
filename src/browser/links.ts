import { encode } from '../core/encode';
import { setParam } from '../core/query';
import { toStripeReference } from '../core/stripe-ref';
import type { Log } from './log';
import type { LinkContext } from './options';

/** The click id as Stripe accepts it, or undefined (logged) when Stripe would drop even the encoded form. */
export const stripeRef = (c: LinkContext, log?: Log): string | undefined => {
  const r = toStripeReference(c.id as string);
  if (!r) log?.('id too long for stripe');
  return r;
};

/**
 * Applies the link rules to an href whose scheme and host are already known (an element parsed it):
 * placeholders, Stripe links, then linkDomains. The href string is edited in place, never re-serialised.
 */
export const applyRules = (
  url: string,
  c: LinkContext,
  protocol: string,
  host: string,
  log?: Log,
): string => {
  const { id, placeholder: t } = c;
  let r: string | undefined;
  if (id && /^https?:$/.test(protocol)) {
    // Replace only when no token survives: an id containing the token would otherwise change on every pass.
    if (t && !(r = url.split(t).join(encode(id))).includes(t)) url = r;
    if (c.stripeHosts.includes(host) && (r = stripeRef(c, log)))
      url = setParam(url, 'client_reference_id', r);
    if (c.linkDomains.some((d) => host === d || host.endsWith(`.${d}`))) url = setParam(url, c.param, id);
  }
  return url;
};

/**
 * The url with the click id applied by the link rules. A relative url is resolved against pageHref only to learn
 * its scheme and host; an unparsable url, or one of another scheme (javascript:, mailto:, tel:…), comes back as is.
 */
export const decorateUrl = (url: string, c: LinkContext, pageHref?: string, log?: Log): string => {
  try {
    const u = new URL(url, pageHref);
    return applyRules(url, c, u.protocol, u.hostname, log);
  } catch {
    return url;
  }
};
