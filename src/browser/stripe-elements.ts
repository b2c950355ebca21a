import type { ClickData } from '../core/click';
import type { Config } from './config';
import { stripeReference } from './links';

/**
 * Gives a `<stripe-buy-button>` or `<stripe-pricing-table>` the click id. Stripe's element reads the attribute
 * when it connects and builds its iframe, so one that already connected (its tag is defined) is replaced by a
 * clone that connects again with the id; the clone is returned, so its contents can be decorated too. A non-empty
 * id already there is kept, which also makes this run once.
 */
export const decorateStripeElement = (
  element: Element,
  click: ClickData,
  config: Config,
): Element | undefined => {
  const reference =
    !element.getAttribute('client-reference-id') && config.stripe[0] && stripeReference(click.id);
  if (!reference) return;
  element.setAttribute('client-reference-id', reference);
  if (element.isConnected && customElements.get(element.localName)) {
    const clone = element.cloneNode(true) as Element;
    element.replaceWith(clone);
    return clone;
  }
};
