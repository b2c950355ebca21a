import { fillForm } from './forms';
import { applyRules } from './links';
import type { LinkContext } from './options';
import { decorateStripeElement } from './stripe-elements';

const ALL = 'a[href],area[href],form[data-clicktrail],stripe-buy-button,stripe-pricing-table';

/**
 * Decorates the document now and as it changes: a MutationObserver that looks only at added subtrees and changed
 * hrefs, and capture-phase click/auxclick/submit handlers as the last line of defence. Returns the function that
 * stops it (the observer disconnects; the handlers stay attached but inert, which costs nothing).
 */
export const carry = (c: LinkContext): (() => void) => {
  let on = 1;
  // The decoratable element at or above a node. Anything else (text, the document, undefined) throws: skipped.
  const apply = (n: unknown): void => {
    try {
      const el = (n as Element).closest(ALL) as HTMLAnchorElement;
      const id = c._d?.id;
      const t = el && id && el.localName;
      if (t === 'form') fillForm(el as unknown as HTMLFormElement, id!, c);
      else if (t?.[0] === 's') decorateStripeElement(el, id!, c);
      else if (t) {
        const h = el.getAttribute('href')!;
        // The element resolves its href itself (each of its URL getters parses it: applyRules reads as few as it can).
        const u = applyRules(h, c, el);
        if (u !== h) el.setAttribute('href', u);
      }
    } catch {}
  };
  // A node and its subtree: the document once, then each added node, so the work follows the change.
  const scan = (root: Node): void => {
    apply(root);
    (root as Element).querySelectorAll?.(ALL).forEach(apply);
  };
  const mo = new MutationObserver((records) => {
    for (const r of records) {
      // An href change, or the parent of added nodes (a marked form gets its inputs back if they were removed).
      apply(r.target);
      r.addedNodes.forEach(scan);
    }
    // Our own edits queued records just now; every rule is idempotent, so they are dropped unread.
    mo.takeRecords();
  });
  const handler = (e: Event): void => {
    if (on) apply(e.composedPath()[0]);
  };
  scan(document);
  mo.observe(document, { childList: true, subtree: true, attributeFilter: ['href'] });
  for (const t of ['click', 'auxclick', 'submit']) document.addEventListener(t, handler, true);
  return () => {
    on = 0;
    mo.disconnect();
  };
};
