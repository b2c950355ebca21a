import type { Options } from './options';

/**
 * Options from a script tag's data-* attributes: `data-params="click_id,affS1"` → `{ params: ['click_id', 'affS1'] }`.
 * Lists are comma-separated; "false" (and consent's "pending") turn an option off; a bare flag (`data-clean`) is on.
 */
export const optionsFromDataset = (d: DOMStringMap): Options => {
  const o: Record<string, unknown> = {};
  for (const k in d) {
    const v = d[k]!;
    o[k] =
      v === 'false' || v === 'pending'
        ? false
        : /^(params|keep|linkDomains|stripe)$/.test(k)
          ? v
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
          : v || /^(clean|debug)$/.test(k) || undefined;
  }
  if (o.stripe) o.stripe = { hosts: o.stripe };
  return o;
};
