import type { CapturedClick, ClickData } from './click';

/** `'last'`: a new click replaces the stored one. `'first'`: the stored one stays until it expires. */
export type Attribution = 'first' | 'last';

/**
 * The click to store after a landing, or undefined when the stored one stands (nothing captured, or first-click
 * attribution with a live stored click). `stored` must already be live. The same click again (a reload, a second
 * landing from the same link) keeps the params it already knew and adds the new ones; a new click brings only its
 * own. Either way the new click lives until `exp`.
 */
export const attribute = (
  stored: ClickData | undefined,
  captured: CapturedClick | undefined,
  attribution: Attribution | undefined,
  exp: number,
): ClickData | undefined => {
  if (!captured || (stored && attribution === 'first')) return undefined;
  const known = stored?.id === captured.id ? stored.kept : {};
  return { ...captured, exp, kept: { ...known, ...captured.kept } };
};
