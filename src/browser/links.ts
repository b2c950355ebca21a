import { setParam } from '../core/query';
import { toStripeReference } from '../core/stripe-ref';
import { attempt } from './attempt';
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
  // The host, then (reused to save bytes) the url with its placeholders replaced.
  let r = u.hostname;
  const s = c._h.includes(r);
  const l = c._l.some((d) => `.${r}`.endsWith(`.${d}`));
  // A Stripe link gets Stripe's form of the id, also in a placeholder (a raw id Stripe would drop never reaches it).
  const v = id && (s ? stripeRef(id, c) : id);
  // The scheme is read last, and only when a rule may apply: the getter parses the href again.
  if (v && (s || l || url.includes(t as string)) && /^https?:$/.test(u.protocol)) {
    // Replace only when no token survives: an id containing the token would otherwise change on every pass.
    if (t && !(r = url.split(t).join(encodeURIComponent(v))).includes(t)) url = r;
    // Trimmed before a pair is appended: trailing whitespace (templates leave newlines) would land in the path.
    if (s) url = setParam(url.trim(), 'client_reference_id', v);
    if (l) url = setParam(url.trim(), c._p, id!);
  }
  return url;
};

/**
 * The url with the click id applied by the link rules. A relative url is resolved against pageHref only to learn
 * its scheme and host; an unparsable url, or one of another scheme (javascript:, mailto:, tel:…), comes back as is.
 */
export const decorateUrl = (url: string, c: LinkContext, pageHref?: string): string =>
  attempt(() => applyRules(url, c, new URL(url, pageHref))) ?? url;
