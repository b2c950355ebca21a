import type { Options } from './options';

/**
 * Options from a script tag's data-* attributes: `data-params="click_id,affS1"` → `{ params: ['click_id', 'affS1'] }`.
 * Lists (params, keep, linkDomains, stripe) are comma-separated; "false" (and consent's "pending") turn an option
 * off; a bare flag (clean, debug) is on; other empty attributes are left to the defaults. The key tests use the
 * shortest prefixes that tell the documented options apart (they cost bytes in the script tag).
 */
export const optionsFromDataset = (d: DOMStringMap | undefined): Options => {
  const o: Record<string, unknown> = {};
  for (const k in d) {
    const v = d[k]!;
    o[k] =
      v === 'false' || v === 'pending'
        ? false
        : /^(pa|k|l|s)/.test(k)
          ? v.match(/[^\s,]+/g) || []
          : v || /^(cl|de)/.test(k) || undefined;
  }
  if (o.stripe) o.stripe = { hosts: o.stripe };
  return o;
};
