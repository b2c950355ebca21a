import type { ClickData } from '../core/click';
import type { Config } from './config';
import { fillForm } from './forms';
import { applyRules, isLinkDomain, isStripeHost } from './links';
import { decorateStripeElement } from './stripe-elements';

/** Everything clicktrail decorates: what a click, a submit or a changed href is checked against, in full. */
const TARGETS = 'a[href],area[href],form[data-clicktrail],stripe-buy-button,stripe-pricing-table';

/**
 * How many times the observer edits one element before leaving it to the click handler. A page script that strips
 * the id each time clicktrail adds it would otherwise ping-pong with the observer forever and freeze the tab.
 */
export const MAX_EDITS = 20;

/**
 * What the scans (the document at start, each added subtree) look for: links whose href names a Stripe host, a
 * linkDomains domain or the placeholder, found by the browser's selector engine so that no other link is parsed,
 * plus marked forms and Stripe elements. A relative href inherits the page's host, so on a page a host rule covers
 * every link qualifies. What the attribute test misses (a host written with escapes) the click handler still
 * catches: it checks every link in full.
 */
export const scanSelector = (config: Config, pageHost: string): string => {
  // Hosts case-insensitively (`HTTPS://BUY.STRIPE.COM/` is that host), the placeholder as written, as the rules
  // match it: an `i` on it too cost 11 % of decorating 10,000 links (bench/compare.mjs).
  const { placeholder } = config;
  const hrefs =
    isStripeHost(pageHost, config) || isLinkDomain(pageHost, config)
      ? '[href]'
      : [...config.stripe, ...config.linkDomains, placeholder]
          .filter((needle) => needle)
          .map((needle) => `[href*="${CSS.escape(needle as string)}"${needle === placeholder ? '' : ' i'}]`)
          .join();
  return `${hrefs && `:is(a,area):is(${hrefs}),`}form[data-clicktrail],stripe-buy-button,stripe-pricing-table`;
};

/**
 * The decoration of a page, running: `rescan` decorates the whole document for the current click (one that arrived
 * after load); `stop` disconnects the observer (the click handlers stay attached but inert, which costs nothing).
 * A tuple, as Store is: no method names in the script tag.
 */
export type Carrier = [rescan: () => void, stop: () => void];

/**
 * Decorates the document for the click `currentClick()` returns (nothing while it returns none), now and as the
 * page changes: a MutationObserver that looks only at added subtrees and changed hrefs, and capture-phase
 * click/auxclick/submit handlers as the last line of defence.
 */
export const carry = (currentClick: () => ClickData | undefined, config: Config): Carrier => {
  const scanned = scanSelector(config, location.hostname);
  // What clicktrail did to each element it edited: how many times (see MAX_EDITS) and, for a link, the href the page
  // gave it and the one clicktrail wrote. A later click (a single-page app's) starts again from the page's href, so
  // its id replaces the earlier one, which the rules would otherwise keep as they keep any id already there.
  const edits = new WeakMap<Element, [count: number, pageHref?: string, ourHref?: string]>();
  let carrying = true;

  // One element, for the current click (nothing without one). `bounded` (the observer's scans) gives up on an
  // element after MAX_EDITS edits.
  const decorate = (element: Element, bounded: boolean): void => {
    const click = currentClick();
    try {
      const [count = 0, pageHref, ourHref] = edits.get(element) || [];
      if (!click || (bounded && count >= MAX_EDITS)) return;
      const kind = element.localName;
      if (kind.startsWith('stripe-')) {
        const clone = decorateStripeElement(element, click, config);
        // The clone's own contents were never seen by a scan (and its insertion is not observed: see below).
        if (clone) scan(clone);
      } else if (kind === 'form') {
        if (fillForm(element as HTMLFormElement, click, config.idParams[0]!)) edits.set(element, [count + 1]);
      } else {
        const href = element.getAttribute('href')!;
        const from = href === ourHref ? pageHref! : href;
        // The element resolves its href itself (each URL getter parses it: applyRules reads as few as it can).
        const next = applyRules(from, click, config, element as HTMLAnchorElement);
        if (next !== href) {
          edits.set(element, [count + 1, from, next]);
          element.setAttribute('href', next);
        }
      }
    } catch {
      // A hostile page (a form whose `elements` is an input named so, odd getters) costs that element, never the page.
    }
  };
  // A node and its subtree. Text and comment nodes have neither method: skipped, without an exception.
  const scan = (root: Node): void => {
    if ((root as Element).matches?.(scanned)) decorate(root as Element, true);
    (root as ParentNode).querySelectorAll?.(scanned).forEach((element) => {
      decorate(element, true);
    });
  };
  // The decoratable element at or above a node (a changed href, the parent of added nodes, what was clicked).
  const decorateAt = (node: unknown, bounded: boolean): void => {
    const element = (node as Element | null)?.closest?.(TARGETS);
    if (element) decorate(element, bounded);
  };

  const observer = new MutationObserver((records) => {
    if (currentClick()) {
      for (const record of records) {
        // A changed href, or the parent of added nodes (a marked form gets back an input that was removed).
        decorateAt(record.target, true);
        record.addedNodes.forEach(scan);
      }
    }
    // Our own edits queued records just now; every rule is idempotent, so they are dropped unread.
    observer.takeRecords();
  });
  const onUse = (event: Event): void => {
    if (carrying) decorateAt(event.composedPath()[0], false);
  };
  const rescan = (): void => {
    if (currentClick()) scan(document);
  };
  rescan();
  observer.observe(document, { childList: true, subtree: true, attributeFilter: ['href'] });
  for (const type of ['click', 'auxclick', 'submit']) document.addEventListener(type, onUse, true);
  return [
    rescan,
    () => {
      carrying = false;
      observer.disconnect();
    },
  ];
};
