import type { ClickData } from '../core/click';
import { setParam } from '../core/query';
import { toStripeReference } from '../core/stripe-ref';
import { attempt } from './attempt';
import type { Config } from './config';
import { log } from './log';

/** The click id as Stripe accepts it, or undefined (logged) when Stripe would drop even the encoded form. */
export const stripeReference = (id: string): string | undefined => {
  const reference = toStripeReference(id);
  if (!reference) log?.('refused', 'stripe', id);
  return reference;
};

/** True when links to `host` get client_reference_id: buy.stripe.com and the custom Stripe hosts. */
export const isStripeHost = (host: string, config: Config): boolean => config.stripe.includes(host);

/** True when links to `host` get the click id param: a linkDomains domain or one of its subdomains. */
export const isLinkDomain = (host: string, config: Config): boolean =>
  config.linkDomains.some((domain) => `.${host}`.endsWith(`.${domain}`));

/**
 * The href with the click's id applied by the link rules, given its scheme and host (`parsed` is the element that
 * parsed it, or a URL): placeholders, Stripe links, then linkDomains. The href string is edited, never
 * re-serialised; without a click it comes back as is.
 */
export const applyRules = (
  href: string,
  click: ClickData | undefined,
  config: Config,
  parsed: { protocol: string; hostname: string },
): string => {
  if (!click) return href;
  const { placeholder } = config;
  // Read once: on an element, each URL getter parses the href again.
  const host = parsed.hostname;
  const toStripe = isStripeHost(host, config);
  const toLinkDomain = isLinkDomain(host, config);
  const hasPlaceholder = !!placeholder && href.includes(placeholder);
  // A Stripe link gets Stripe's form of the id, also in a placeholder (a raw id Stripe would drop never reaches it).
  const value = toStripe ? stripeReference(click.id) : click.id;
  // The scheme is read last, and only when a rule may apply.
  if (value && (toStripe || toLinkDomain || hasPlaceholder) && /^https?:$/.test(parsed.protocol)) {
    if (hasPlaceholder) {
      const filled = href.split(placeholder).join(encodeURIComponent(value));
      // Filled only when no token survives: an id containing the token would otherwise change on every pass.
      if (!filled.includes(placeholder)) href = filled;
    }
    // Trimmed before a pair is appended: trailing whitespace (templates leave newlines) would land in the path.
    if (toStripe) href = setParam(href.trim(), 'client_reference_id', value);
    if (toLinkDomain) href = setParam(href.trim(), config.idParams[0]!, click.id);
  }
  return href;
};

/**
 * The url with the click's id applied by the link rules. A relative url is resolved against pageHref only to learn
 * its scheme and host; an unparsable url, or one of another scheme (javascript:, mailto:, tel:…), comes back as is.
 */
export const decorateUrl = (
  url: string,
  click: ClickData | undefined,
  config: Config,
  pageHref?: string,
): string => attempt(() => applyRules(url, click, config, new URL(url, pageHref))) ?? url;
