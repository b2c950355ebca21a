import { stripeRef } from './links';
import type { LinkContext } from './options';

/**
 * Gives a `<stripe-buy-button>` or `<stripe-pricing-table>` the click id. Stripe's element reads the attribute
 * when it connects and builds its iframe, so one that already connected (its tag is defined) is replaced by a
 * clone that connects again with the id. A non-empty id already there is kept, which also makes this run once.
 */
export const decorateStripeElement = (el: Element, id: string, c: LinkContext): void => {
  let r: string | undefined;
  if (!el.getAttribute('client-reference-id') && c._h[0] && (r = stripeRef(id, c))) {
    el.setAttribute('client-reference-id', r);
    if (el.isConnected && customElements.get(el.localName)) el.replaceWith(el.cloneNode(true));
  }
};
