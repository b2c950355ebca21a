import { decode } from './encode';

// URLs are edited as strings, never re-serialised through URL/URLSearchParams: those would re-encode the rest of
// the query (`%20`, `%7B`, tracker macros), and a link must leave as written but for our parameter. Names are
// compared with URLSearchParams, which decodes leniently (`+`, malformed escapes) and never throws.

/** A URL cut at its first `#` and the first `?` before it, each part exactly as written. */
export interface UrlParts {
  /** Everything before `?` (or before `#` when there is no query). */
  base: string;
  /** The `&`-separated pairs, raw; [] when there is no query or it is empty. */
  pairs: string[];
  /** `#…` or ''. */
  hash: string;
}

/** Splits a URL into base, raw query pairs and fragment, without decoding or re-encoding anything. */
export const splitUrl = (url: string): UrlParts => {
  const h = url.indexOf('#');
  const hash = h < 0 ? '' : url.slice(h);
  const rest = h < 0 ? url : url.slice(0, h);
  const q = rest.indexOf('?');
  const query = q < 0 ? '' : rest.slice(q + 1);
  return { base: q < 0 ? rest : rest.slice(0, q), pairs: query ? query.split('&') : [], hash };
};

/** A raw `name=value` pair's name and value, decoded (`+` is a space); undefined where the encoding is malformed. */
export const readPair = (pair: string): { name: string | undefined; value: string | undefined } => {
  const eq = pair.indexOf('=');
  return { name: decode(eq < 0 ? pair : pair.slice(0, eq)), value: eq < 0 ? '' : decode(pair.slice(eq + 1)) };
};

/**
 * The url without the pairs named `names`, plus `add` (an encoded `name=value` for `names[0]`) at the end of the
 * query when given, unless a pair of that name already holds a non-empty value (then the url comes back as is).
 * The fragment and every other pair stay exactly as written.
 */
export const editQuery = (url: string, names: string[], add?: string): string =>
  url.replace(/^([^#?]*)\??([^#]*)/, (all, base: string, query: string) => {
    // Most links have no query: no URLSearchParams object for them (one per link is a tenth of its cost).
    if (add && query && new URLSearchParams(query).getAll(names[0]!).join('')) return all;
    // An empty pair inside the query (`a=1&&b=2`) stays as written; a trailing one (`?`, `a=1&`) is where ours goes.
    const pairs = query
      .split('&')
      .filter((p, i, all) => (p || i < all.length - 1) && !names.some((n) => new URLSearchParams(p).has(n)));
    if (add) pairs.push(add);
    const q = pairs.join('&');
    return base + (q && `?${q}`);
  });

/**
 * The url with `name=value` in its query, both URI-encoded once. A non-empty existing value is kept, so applying
 * it twice changes nothing; empty ones (`name=`, `name`) are replaced by the pair at the query's end.
 */
export const setParam = (url: string, name: string, value: string): string =>
  editQuery(url, [name], `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
