import { type CapturedClick, isReservedName, isValidClickId, isValidKeptValue } from './click';

/** Told about each value capture refuses: the param's name and the refused value. */
export type OnRefused = (name: string, value: string) => void;

/**
 * Reads the first valid click id among `idParams` (in order) from a query string, with the valid `keep` params
 * beside it, in `keep`'s order. Kept params alone are not a click, so without an id nothing is captured. The query
 * is read as browsers read it (URLSearchParams): `+` is a space, a stray `%` is a character, a malformed escape
 * becomes U+FFFD, which the validators refuse. Reserved names (`ct_…`) are never kept.
 */
export const captureClick = (
  search: string,
  idParams: readonly string[],
  keep: readonly string[],
  onRefused?: OnRefused,
): CapturedClick | undefined => {
  const query = new URLSearchParams(search);
  const read = (name: string, valid: (value: unknown) => boolean): string | undefined => {
    const value = query.get(name);
    if (valid(value)) return value as string;
    if (value !== null) onRefused?.(name, value);
  };
  for (const src of idParams) {
    const id = read(src, isValidClickId);
    if (id) {
      const kept: Record<string, string> = {};
      for (const name of keep) {
        const value = !isReservedName(name) && read(name, isValidKeptValue);
        if (value) kept[name] = value;
      }
      return { id, src, kept };
    }
  }
};
