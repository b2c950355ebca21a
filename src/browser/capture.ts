import { isValidClickId, isValidValue } from '../core/click-id';
import type { ClickData } from '../core/cookie-format';
import type { Log } from './log';

/**
 * Reads the first valid click id among `params` (in order) from a query string, with the valid `keep` params
 * beside it. Kept params alone are not a click, so without an id nothing is captured. URLSearchParams decodes
 * leniently: a malformed escape stays literal (`%ZZ`) or becomes U+FFFD, which the validators refuse.
 */
export const capture = (
  search: string,
  params: string[],
  keep: string[],
  log: Log,
): Omit<ClickData, 'exp'> | undefined => {
  const q = new URLSearchParams(search);
  const read = (name: string, valid: (v: unknown) => boolean) => {
    const v = q.get(name);
    if (v === null || valid(v)) return v;
    log('refused', name, v);
  };
  for (const src of params) {
    const id = read(src, isValidClickId);
    if (id) {
      const kept: Record<string, string> = {};
      for (const k of keep) {
        const v = read(k, isValidValue);
        if (v) kept[k] = v;
      }
      log('captured', src, id);
      return { id, src, params: kept };
    }
  }
};
