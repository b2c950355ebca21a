import { isValidClickId, isValidValue } from '../core/click-id';
import { getParam } from '../core/query';
import type { Log } from './log';

/** A click read from the landing URL: the id, the param it arrived in, and the kept params beside it. */
export interface Capture {
  id: string;
  src: string;
  params: Record<string, string>;
}

/**
 * Reads the first valid click id among `params` (in order) from a query string, with the valid `keep` params
 * beside it. Kept params alone are not a click, so without an id nothing is captured.
 */
export const capture = (search: string, params: string[], keep: string[], log: Log): Capture | undefined => {
  // getParam yields undefined for an absent param and for malformed percent-encoding alike: both are skipped.
  const read = (name: string, valid: (v: unknown) => boolean) => {
    const v = getParam(search, name);
    if (v === undefined || valid(v)) return v;
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
