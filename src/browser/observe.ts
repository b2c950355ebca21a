import { fillForm } from './forms';
import { applyRules } from './links';
import type { Log } from './log';
import type { LinkContext } from './options';
import { decorateStripeElement } from './stripe-elements';

const ALL = 'a[href],area[href],form[data-clicktrail],stripe-buy-button,stripe-pricing-table';
const EVENTS = ['click', 'auxclick', 'submit'];

/**
 * Decorates the document now and as it changes: a MutationObserver that looks only at added subtrees and changed
 * hrefs, and capture-phase click/submit handlers as the last line of defence. Returns the function that stops it.
 */
export const carry = (getContext: () => LinkContext, log: Log): (() => void) => {
  const d = document;
  // One node, whatever it is: anything that is not a decoratable element (text, document, null) throws and is skipped.
  const apply = (el: Element, c?: LinkContext): void => {
    try {
      c ||= getContext();
      if (!c.id || !el.matches(ALL)) return;
      const t = el.localName;
      if (t === 'form') fillForm(el as HTMLFormElement, c);
      else if (t[0] === 's') decorateStripeElement(el, c, log);
      else {
        const a = el as HTMLAnchorElement;
        const h = a.getAttribute('href') as string;
        // The element already parsed its href: its protocol and hostname cost no second parse.
        const n = applyRules(h, c, a.protocol, a.hostname, log);
        if (n !== h) a.setAttribute('href', n);
      }
    } catch {}
  };
  // A node and its subtree: the document once, then each added node, so the work follows the change.
  const scan = (root: Node, c: LinkContext): void => {
    apply(root as Element, c);
    (root as Element).querySelectorAll?.(ALL).forEach((el) => {
      apply(el, c);
    });
  };
  const mo = new MutationObserver((records) => {
    try {
      const c = getContext();
      for (const r of records) {
        // An href change, or the parent of added nodes (a marked form gets its inputs back if they were removed).
        apply(r.target as Element, c);
        for (const n of r.addedNodes) scan(n, c);
      }
      // Our own edits queued records just now; every rule is idempotent, so they are dropped unread.
      mo.takeRecords();
    } catch {}
  });
  const on = (e: Event): void => apply((e.composedPath()[0] as Element).closest?.(ALL) as Element);
  scan(d, getContext());
  mo.observe(d, { childList: true, subtree: true, attributeFilter: ['href'] });
  for (const t of EVENTS) d.addEventListener(t, on, true);
  return () => {
    mo.disconnect();
    for (const t of EVENTS) d.removeEventListener(t, on, true);
  };
};
