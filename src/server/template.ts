import { encode } from '../core/encode';
import { TemplateError } from './errors';
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

const cache = new Map<string, Compiled>();
const CACHE_MAX = 500;

const compile = (template: string): Compiled => {
  const hit = cache.get(template);
  if (hit) return hit;
  const statics: string[] = [];
  const names: string[] = [];
  const raws: string[] = [];
  const start = AUTHORITY.exec(template)?.[0].length ?? 0;
  const query = template.indexOf('?', start);
  let last = 0;
  TOKEN.lastIndex = start;
  for (let m = TOKEN.exec(template); m; m = TOKEN.exec(template)) {
    let group = 1;
    while (m[group] === undefined) group++;
    if (BRACKET_GROUPS.includes(group) && query >= 0 && m.index > query) {
      // In the query, a bracket token only counts as a value: `sub=[clickid]` yes, `data[clickid]=1` no.
      const pairStart = Math.max(template.lastIndexOf('&', m.index), query);
      if (!template.slice(pairStart, m.index).includes('=')) continue;
    }
    statics.push(template.slice(last, m.index));
    names.push(m[group] as string);
    raws.push(m[0]);
    last = m.index + m[0].length;
  }
  statics.push(template.slice(last));
  const compiled = { statics, names, raws };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(template, compiled);
  return compiled;
};

// Exact name first; networks spell the same macro `{clickid}` and `{CLICKID}`, so case is forgiven on a miss.
const lookup = (values: TemplateValues, name: string): string | undefined => {
  if (Object.hasOwn(values, name)) return valueText(values[name]);
  const lower = name.toLowerCase();
  for (const key in values)
    if (key.toLowerCase() === lower && Object.hasOwn(values, key)) return valueText(values[key]);
  return undefined;
};

/** How fillTemplate writes each value: encodeValue for a URL template, as is for text encoded later. */
export type ValueWriter = (value: string) => string;

/**
 * Substitutes every placeholder in one pass, each value written by `write` (default encodeValue). Internal: the
 * rules render base+params values raw, because buildPostbackUrl encodes them afterwards; the public functions are
 * renderPostback(Detailed).
 */
export const fillTemplate = (
  template: string,
  values: TemplateValues,
  options: RenderOptions & { write?: ValueWriter } = {},
): RenderResult => {
  const { statics, names, raws } = compile(template);
  const { missing: mode = 'empty', write = encodeValue } = options;
  let url = statics[0] as string;
  let missing: string[] | undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const value = lookup(values, name);
    if (value === undefined) {
      missing ??= [];
      if (!missing.includes(name)) missing.push(name);
      if (mode === 'keep') url += raws[i];
    } else url += write(value);
    url += statics[i + 1];
  }
  if (missing && mode === 'error') throw new TemplateError(missing);
  return { url, missing: missing ?? [] };
};

/**
 * Fills a postback template's placeholders (`{x}` `${x}` `#x#` `[x]` `!!!x!!!` `{{x}}`, also URL-encoded) with
 * values, each encoded exactly once; and reports the placeholders that had no value.
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
