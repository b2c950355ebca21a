import { decode, encode } from './encode';

// URLs are edited as strings, never re-serialised through URL/URLSearchParams: those would re-encode
// the rest of the query (`+`, `%7B`, tracker macros) and a link must leave exactly as written but for our parameter.

interface Parts {
  /** Everything before `?` (or before `#` when there is no query). */
  base: string;
  /** The `&`-separated pairs, raw. */
  pairs: string[];
  /** `#…` or ''. */
  hash: string;
}

const split = (url: string): Parts => {
  const h = url.indexOf('#');
  const hash = h < 0 ? '' : url.slice(h);
  const rest = h < 0 ? url : url.slice(0, h);
  const q = rest.indexOf('?');
  return {
    base: q < 0 ? rest : rest.slice(0, q),
    pairs: q < 0 ? [] : rest.slice(q + 1).split('&'),
    hash,
  };
};

const join = ({ base, pairs, hash }: Parts): string => {
  const query = pairs.filter(Boolean).join('&');
  return base + (query ? `?${query}` : '') + hash;
};

const nameOf = (pair: string): string | undefined => decode(pair.split('=')[0] as string);

/** The decoded value of the first `name` parameter in a URL's query, or undefined when absent. */
export const getParam = (url: string, name: string): string | undefined => {
  for (const pair of split(url).pairs) {
    if (nameOf(pair) === name) {
      const eq = pair.indexOf('=');
      return eq < 0 ? '' : (decode(pair.slice(eq + 1)) ?? undefined);
    }
  }
  return undefined;
};

/**
 * Returns the url with `name=value` in its query, encoded once. A non-empty existing value is kept
 * (so applying it twice changes nothing); an empty one (`name=`) is filled in place.
 */
export const setParam = (url: string, name: string, value: string): string => {
  const parts = split(url);
  const pair = `${encode(name)}=${encode(value)}`;
  const i = parts.pairs.findIndex((p) => nameOf(p) === name);
  if (i < 0) parts.pairs.push(pair);
  else if (getParam(url, name)) return url;
  else parts.pairs[i] = pair;
  return join(parts);
};

/** Returns the url without any of the named parameters; every other pair and the fragment stay as written. */
export const removeParams = (url: string, names: readonly string[]): string => {
  const parts = split(url);
  const kept = parts.pairs.filter((p) => !names.includes(nameOf(p) as string));
  return kept.length === parts.pairs.length ? url : join({ ...parts, pairs: kept });
};
