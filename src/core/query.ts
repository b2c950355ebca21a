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
 * Returns the url with `name=value` in its query, encoded once. A non-empty existing value (even one that is
 * not valid percent-encoding) is kept, so applying it twice changes nothing; an empty one (`name=`, `name`) is
 * filled in place. Nothing else in the string changes: the pair is inserted just before the fragment.
 */
export const setParam = (url: string, name: string, value: string): string => {
  const { base, pairs, hash } = split(url);
  let i = pairs.findIndex((p) => nameOf(p) === name);
  if (i >= 0) {
    if (/=./.test(pairs[i] as string)) return url;
  } else {
    // A bare `?` or trailing `&` already ends where the new pair goes.
    if (pairs[pairs.length - 1] === '') pairs.pop();
    i = pairs.length;
  }
  pairs[i] = `${encode(name)}=${encode(value)}`;
  return `${base}?${pairs.join('&')}${hash}`;
};

/** Returns the url without any of the named parameters; every other pair and the fragment stay as written. */
export const removeParams = (url: string, names: readonly string[]): string => {
  const { base, pairs, hash } = split(url);
  const kept = pairs.filter((p) => !names.includes(nameOf(p) as string));
  return kept.length < pairs.length ? base + (kept.length ? `?${kept.join('&')}` : '') + hash : url;
};
