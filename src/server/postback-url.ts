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
 * params name again (then the params' value replaces it in place); null/undefined values are skipped.
 */
export const buildPostbackUrl = (
  base: string,
  params: Readonly<Record<string, TemplateValue>>,
  options: BuildOptions = {},
): string => {
  const missing = (options.required ?? []).filter((k) => !valueText(params[k]));
  if (missing.length) throw new MissingParamsError(missing);
  const { base: head, pairs, hash } = splitUrl(base);
  const names = pairs.map((pair) => readPair(pair).name);
  for (const name in params) {
    const text = valueText(params[name]);
    if (text === undefined || !Object.hasOwn(params, name)) continue;
    const pair = `${encodeValue(name)}=${encodeValue(text)}`;
    const i = names.indexOf(name);
    if (i < 0) pairs.push(pair);
    else pairs[i] = pair;
  }
  return head + (pairs.length ? `?${pairs.join('&')}` : '') + hash;
};
