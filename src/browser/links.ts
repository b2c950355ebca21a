import { setParam } from '../core/query';
import { toStripeReference } from '../core/stripe-ref';
import type { LinkContext } from './options';

/** The click id as Stripe accepts it, or undefined (logged) when Stripe would drop even the encoded form. */
export const stripeRef = (id: string, c: LinkContext): string | undefined =>
  toStripeReference(id) || void c._log('refused', 'stripe', id);

/**
 * Applies the link rules to an href whose scheme and host are known (`u` is the element that parsed it, or a
 * URL): placeholders, Stripe links, then linkDomains. The href string is edited, never re-serialised.
 */
export const applyRules = (
  url: string,
  c: LinkContext,
  u: { protocol: string; hostname: string },
): string => {
  const id = c._d?.id;
  const { _t: t } = c;
  const host = u.hostname;
  const s = c._h.includes(host);
  let r: string | undefined;
  // A Stripe link gets Stripe's form of the id, also in a placeholder (a raw id Stripe would drop never reaches it).
  const v = id && (s ? stripeRef(id, c) : id);
  if (v && /^https?:$/.test(u.protocol)) {
    // Replace only when no token survives: an id containing the token would otherwise change on every pass.
    if (t && !(r = url.split(t).join(encodeURIComponent(v))).includes(t)) url = r;
    // Trimmed before a pair is appended: trailing whitespace (templates leave newlines) would land in the path.
    if (s) url = setParam(url.trim(), 'client_reference_id', v);
    if (c._l.some((d) => `.${host}`.endsWith(`.${d}`))) url = setParam(url.trim(), c._p, id!);
  }
  return url;
};

/**
 * The url with the click id applied by the link rules. A relative url is resolved against pageHref only to learn
 * its scheme and host; an unparsable url, or one of another scheme (javascript:, mailto:, tel:…), comes back as is.
 */
export const decorateUrl = (url: string, c: LinkContext, pageHref?: string): string => {
  try {
    return applyRules(url, c, new URL(url, pageHref));
  } catch {
    return url;
  }
};
