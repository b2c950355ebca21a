import { readPair, splitUrl } from '../core/query';
import { MissingParamsError } from './errors';
import { encodeValue } from './template';
import { type TemplateValue, valueText } from './values';

/** Options of buildPostbackUrl. */
export interface BuildOptions {
  /** Keys that must have a non-empty value; MissingParamsError names every one that has not. */
  required?: readonly string[];
}

/**
 * base + `?k=v&…` with every value RFC 3986-encoded once. The base's own query stays as written, except a pair the
 * params name again (then the params' value replaces it in place) and a trailing `&` (where the new pairs go, so
 * never `&&`); null/undefined values are skipped.
 */
export const buildPostbackUrl = (
  base: string,
  params: Readonly<Record<string, TemplateValue>>,
  options: BuildOptions = {},
): string => {
  const missing = (options.required ?? []).filter((k) => !valueText(params[k]));
  if (missing.length) throw new MissingParamsError(missing);
  const { base: head, pairs, hash } = splitUrl(base);
  // Where each name first appears in the base's query (a Map: many params must not cost their square).
  const at = new Map<string | undefined, number>();
  pairs.forEach((pair, i) => {
    const { name } = readPair(pair);
    if (!at.has(name)) at.set(name, i);
  });
  // A trailing empty pair (`?a=1&`, `?&`) is where the new pairs go, not an empty pair to keep before them (`&&`).
  const trailing = pairs.length > 0 && pairs[pairs.length - 1] === '';
  let added = 0;
  for (const name of Object.keys(params)) {
    const text = valueText(params[name]);
    if (text === undefined) continue;
    const pair = `${encodeValue(name)}=${encodeValue(text)}`;
    const i = at.get(name);
    if (i !== undefined) pairs[i] = pair;
    else {
      if (trailing && !added) pairs.pop();
      pairs.push(pair);
      added++;
    }
  }
  return head + (pairs.length ? `?${pairs.join('&')}` : '') + hash;
};
