import { encode } from '../core/encode';
import { shown } from './check';
import { ClickTrailError, TemplateError, UnsafeValueError } from './errors';
import { type TemplateValues, valueText } from './values';

/** What to do with a placeholder that has no value. */
export type MissingMode = 'empty' | 'keep' | 'error';

/** Options of renderPostback. */
export interface RenderOptions {
  /** `'empty'` (default): substitute '' and report it; `'keep'`: leave the token as written; `'error'`: throw TemplateError. */
  missing?: MissingMode;
}

/** renderPostbackDetailed's answer: the URL and the placeholders that had no value. */
export interface RenderResult {
  url: string;
  /** Unknown placeholder names, each once, in order of appearance. */
  missing: string[];
}

interface Compiled {
  /** statics[0] token0 statics[1] token1 … statics[n]. */
  statics: string[];
  names: string[];
  raws: string[];
  /** The first `pathTokens` tokens are in the URL's path, where a value could make a `.` or `..` segment. */
  pathTokens: number;
  /** Why the template cannot be a postback URL, when it cannot (checked only when it is rendered as one). */
  problem: string | undefined;
}

const N = '([A-Za-z_][A-Za-z0-9_.-]*)';
// Longer dialects first so `${x}` and `{{x}}` are not read as `{x}`; URL-encoded twins follow.
const TOKEN = new RegExp(
  [
    `\\$\\{${N}\\}`,
    `\\{\\{${N}\\}\\}`,
    `\\{${N}\\}`,
    `#${N}#`,
    `\\[${N}\\]`,
    `!!!${N}!!!`,
    `%24%7B${N}%7D`,
    `%7B%7B${N}%7D%7D`,
    `%7B${N}%7D`,
    `%23${N}%23`,
    `%5B${N}%5D`,
    `%21%21%21${N}%21%21%21`,
  ].join('|'),
  'gi',
);
// Groups 5 and 11 are the bracket dialects, which PHP-style keys (`data[sub]=`) also use.
const BRACKET_GROUPS = [5, 11];

// The authority (`scheme://user@host:port`) is never a template: a click id must not choose where a postback goes.
// A `#name#` token does not end it, or substituting it would merge a value into the host.
const AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:#[A-Za-z_][A-Za-z0-9_.-]*#|[^/?#])*/;

// encodeURIComponent throws on a lone surrogate; a hostile value must yield U+FFFD, not an exception.
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** RFC 3986-encodes a value (core encode), replacing lone surrogates instead of throwing. */
export const encodeValue = (value: string): string => {
  try {
    return encode(value);
  } catch {
    return encode(value.replace(LONE, '\uFFFD'));
  }
};

/**
 * Why a template cannot be rendered as a postback URL, or undefined when it can. URL parsers strip surrounding
 * whitespace, delete tabs and line breaks anywhere, and read `https:/x`, `https:\\x` and a backslash as `https://x`
 * and `/`: in any of those the authority clicktrail sees is not the one the request goes to, and a value could land
 * in the host. Such templates are refused rather than guessed at.
 */
export const templateProblem = (template: string): string | undefined => {
  if (/[\t\n\r]/.test(template))
    return 'contains a tab or a line break, which URL parsers delete (a placeholder could join the host): remove it';
  if (/^[\0-\x20]|[\0-\x20]$/.test(template))
    return 'starts or ends with whitespace or a control character, which URL parsers strip: trim it';
  if (!/^https?:\/\/[^/\\?#]/i.test(template))
    return "must start with 'https://' (or 'http://') and a host, e.g. 'https://tracker.example/postback?cid={click_id}'";
  const query = template.indexOf('?');
  if ((query < 0 ? template : template.slice(0, query)).includes('\\'))
    return "has a backslash before the query, which URL parsers read as '/': write '/' (or %5C for a backslash)";
  // Values never change the authority, and nothing after it can make a URL invalid: if the template does not parse,
  // no rendering of it will.
  if (!URL.canParse(template))
    return 'is not a valid URL: check the host and port (placeholders are never filled in there)';
  return undefined;
};

const cache = new Map<string, Compiled>();
const CACHE_MAX = 500;

const AMP = 38;
const EQUALS = 61;

const compile = (template: string): Compiled => {
  const hit = cache.get(template);
  if (hit) return hit;
  const statics: string[] = [];
  const names: string[] = [];
  const raws: string[] = [];
  const start = AUTHORITY.exec(template)?.[0].length ?? 0;
  const query = template.indexOf('?', start);
  // Whether the query pair being scanned has an `=` yet, known up to `scanned`: one forward pass over the query, so
  // that many bracket tokens in one pair cost linear time, not a search back to the pair's start for each.
  let scanned = query;
  let inValue = false;
  let pathTokens = 0;
  let inPath = true;
  let last = 0;
  TOKEN.lastIndex = start;
  for (let m = TOKEN.exec(template); m; m = TOKEN.exec(template)) {
    let group = 1;
    while (m[group] === undefined) group++;
    if (BRACKET_GROUPS.includes(group) && query >= 0 && m.index > query) {
      // In the query, a bracket token only counts as a value: `sub=[clickid]` yes, `data[clickid]=1` no.
      for (; scanned < m.index; scanned++) {
        const c = template.charCodeAt(scanned);
        if (c === AMP) inValue = false;
        else if (c === EQUALS) inValue = true;
      }
      if (!inValue) continue;
    }
    // The path ends at the first `?` or `#` outside a token (statics hold no token).
    if (inPath && /[?#]/.test(template.slice(Math.max(last, start), m.index))) inPath = false;
    if (inPath) pathTokens++;
    statics.push(template.slice(last, m.index));
    names.push(m[group] as string);
    raws.push(m[0]);
    last = m.index + m[0].length;
  }
  statics.push(template.slice(last));
  const compiled = { statics, names, raws, pathTokens, problem: templateProblem(template) };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(template, compiled);
  return compiled;
};

/** The values' own keys by lower-cased name, the first of each spelling winning (built once per render, on a miss). */
const foldedKeys = (values: TemplateValues): Map<string, string> => {
  const folded = new Map<string, string>();
  for (const key of Object.keys(values)) {
    const lower = key.toLowerCase();
    if (!folded.has(lower)) folded.set(lower, key);
  }
  return folded;
};

// A path segment URL parsers resolve away: `.` or `..`, each dot also as `%2e` (WHATWG URL, RFC 3986 §5.2.4).
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
const DOT_SEGMENT_MAX = 6;

/**
 * The path segment around url[start, end) when it is a dot segment, else undefined. Looks at most a few characters
 * either way (a dot segment is at most six long), so checking every path token stays linear.
 */
const dotSegmentAround = (url: string, start: number, end: number): string | undefined => {
  let from = start;
  while (from > 0 && url.charAt(from - 1) !== '/') if (end - --from > DOT_SEGMENT_MAX) return undefined;
  let to = end;
  while (to < url.length && !'/?#'.includes(url.charAt(to)))
    if (++to - from > DOT_SEGMENT_MAX) return undefined;
  const segment = url.slice(from, to);
  return DOT_SEGMENT.test(segment) ? segment : undefined;
};

/** How fillTemplate writes each value: encodeValue for a URL template, as is for text encoded later. */
export type ValueWriter = (value: string) => string;

/**
 * Substitutes every placeholder in one pass. Without `write`, the template is a postback URL: it must be an
 * absolute http(s) URL (ClickTrailError `invalid_template` otherwise), each value is encodeValue'd, and a value that
 * would make a path segment `.` or `..` throws UnsafeValueError. With `write`, the template is text (the value of a
 * base+params rule, encoded afterwards by buildPostbackUrl) and each value is written by it. Internal: the public
 * functions are renderPostback(Detailed).
 */
export const fillTemplate = (
  template: string,
  values: TemplateValues,
  options: RenderOptions & { write?: ValueWriter } = {},
): RenderResult => {
  const compiled = compile(template);
  const { statics, names, raws, pathTokens } = compiled;
  const { missing: mode = 'empty', write } = options;
  const isUrl = write === undefined;
  if (isUrl && compiled.problem !== undefined)
    throw new ClickTrailError(
      'invalid_template',
      `The postback template ${shown(template)} ${compiled.problem}.`,
    );
  const put = write ?? encodeValue;
  let url = statics[0] as string;
  // A Set, not a list: a template with thousands of distinct unknown names must not cost their square.
  let missing: Set<string> | undefined;
  let folded: Map<string, string> | undefined;
  const spans: number[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    // Exact name first; networks spell the same macro `{clickid}` and `{CLICKID}`, so case is forgiven on a miss.
    let value = Object.hasOwn(values, name) ? valueText(values[name]) : undefined;
    if (value === undefined && !Object.hasOwn(values, name)) {
      const key = (folded ??= foldedKeys(values)).get(name.toLowerCase());
      if (key !== undefined) value = valueText(values[key]);
    }
    const at = url.length;
    if (value === undefined) {
      (missing ??= new Set()).add(name);
      if (mode === 'keep') url += raws[i];
    } else url += put(value);
    if (isUrl && i < pathTokens) spans.push(at, url.length);
    url += statics[i + 1];
  }
  if (missing && mode === 'error') throw new TemplateError([...missing]);
  for (let j = 0; j < spans.length; j += 2) {
    const segment = dotSegmentAround(url, spans[j] as number, spans[j + 1] as number);
    if (segment !== undefined) throw new UnsafeValueError(names[j / 2] as string, segment);
  }
  return { url, missing: missing ? [...missing] : [] };
};

/**
 * Fills a postback template's placeholders (`{x}` `${x}` `#x#` `[x]` `!!!x!!!` `{{x}}`, also URL-encoded) with
 * values, each encoded exactly once; and reports the placeholders that had no value. The template must be an
 * absolute http(s) URL (else ClickTrailError `invalid_template`); a value never lands in the scheme, host or port, and
 * one that would make a path segment `.` or `..` (moving the postback to another path) throws UnsafeValueError.
 */
export const renderPostbackDetailed = (
  template: string,
  values: TemplateValues,
  options?: RenderOptions,
): RenderResult => fillTemplate(template, values, options);

/** Fills a postback template's placeholders with URL-encoded values; see renderPostbackDetailed for the missing ones. */
export const renderPostback = (template: string, values: TemplateValues, options?: RenderOptions): string =>
  fillTemplate(template, values, options).url;

/** The placeholder names a template uses, each once, in order of appearance (`{x}`, `#y#`, `%7Bz%7D`, …). */
export const templatePlaceholders = (template: string): string[] => [...new Set(compile(template).names)];
