import { stripeRef } from './links';
import type { Log } from './log';
import type { LinkContext } from './options';

const ATTR = 'client-reference-id';

/**
 * Gives a `<stripe-buy-button>` or `<stripe-pricing-table>` the click id. Stripe's element reads the attribute
 * when it connects and builds its iframe, so one that already connected (its tag is defined) is replaced by a
 * clone that connects again with the id. A non-empty id already there is kept, which also makes this run once.
 */
export const decorateStripeElement = (el: Element, c: LinkContext, log: Log): void => {
  let r: string | undefined;
  if (!el.getAttribute(ATTR) && c.stripeHosts[0] && (r = stripeRef(c, log))) {
    el.setAttribute(ATTR, r);
    if (el.isConnected && customElements.get(el.localName)) el.replaceWith(el.cloneNode(true));
  }
};
