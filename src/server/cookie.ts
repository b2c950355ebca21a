import { getDomain } from 'tldts';
import { isValidClickId, isValidValue } from '../core/click-id';
import { type ClickData, dataCookieName, parseData, RESERVED_PREFIX } from '../core/cookie-format';
import { getParam } from '../core/query';

/** Options of clickIdCookie; names and defaults as the browser's init() options. */
export interface CookieOptions {
  /** URL params that carry the click id, first match wins. Default `['click_id']`. */
  params?: readonly string[];
  /** Other entry params to remember. Default `[]`. */
  keep?: readonly string[];
  /** Cookie name. Default `'click_id'`. */
  cookie?: string;
  /** Lifetime in days. Default 365. */
  days?: number;
  /** `'auto'`: the registrable domain (public-suffix list); a string: that domain; false: host only. Default `'auto'`. */
  domain?: 'auto' | string | false;
  /** `'first'` keeps an unexpired click id found in `cookieHeader`. Default `'last'`. */
  attribution?: 'first' | 'last';
  /** The request's Cookie header, for `attribution: 'first'`. */
  cookieHeader?: string | null;
  /** Epoch ms, for tests. Default Date.now(). */
  now?: number;
}

// js-cookie's converters, so browser and server read each other's cookies byte for byte.
const writeValue = (value: string): string =>
  encodeURIComponent(value).replace(/%(2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD])/g, decodeURIComponent);
const writeName = (name: string): string =>
  encodeURIComponent(name)
    .replace(/%(2[346B]|5E|60|7C)/g, decodeURIComponent)
    .replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const readValue = (value: string): string | undefined => {
  try {
    return (value[0] === '"' ? value.slice(1, -1) : value).replace(/(%[\dA-F]{2})+/gi, decodeURIComponent);
  } catch {
    return undefined;
  }
};

// The browser writes the data query with URLSearchParams (a space is `+`, `*` bare, `~` %7E); the server writes the
// very same bytes, so a cookie reads the same whichever side set it (parseData reads both spellings).
const dataQuery = (src: string, exp: number, kept: Record<string, string>): string =>
  String(new URLSearchParams([['ct_src', src], ['ct_exp', String(exp)], ...Object.entries(kept)]));

/** The cookies of a Cookie header, name → decoded value (the first of a name wins, as in js-cookie). */
const readCookies = (header: string | null | undefined): Map<string, string> => {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = readValue(part.slice(0, eq).trim());
    const value = readValue(part.slice(eq + 1).trim());
    if (name !== undefined && value !== undefined && !out.has(name)) out.set(name, value);
  }
  return out;
};

/**
 * What the browser side stored, read from a Cookie header: the click id, where it came from, its expiry and the kept
 * params; undefined when there is no valid, unexpired click id. Kept values are re-validated.
 */
export const readClickData = (
  cookieHeader: string | null | undefined,
  name = 'click_id',
  now = Date.now(),
): ClickData | undefined => {
  const cookies = readCookies(cookieHeader);
  const id = cookies.get(name);
  if (!isValidClickId(id)) return undefined;
  const data = parseData(cookies.get(dataCookieName(name)) ?? '');
  // An id without its data cookie lives as long as the browser keeps it (as on the browser side).
  if (data.exp && data.exp * 1000 <= now) return undefined;
  // fromEntries defines own properties, so a kept param named `__proto__` survives like any other.
  const params = Object.fromEntries(Object.entries(data.params).filter(([, v]) => isValidValue(v)));
  return { id, src: data.src, exp: data.exp, params };
};

/** The click id in a Cookie header (as the browser side or clickIdCookie wrote it), or undefined. */
export const readClickId = (cookieHeader: string | null | undefined, name = 'click_id'): string | undefined =>
  readClickData(cookieHeader, name)?.id;

/**
 * Server-side capture: the Set-Cookie values (the click id and its `_data` companion, the browser's names and format)
 * for a landing request whose URL carries a click id; [] when it carries none (or `'first'` keeps an existing one).
 * Cookies set by the server outlive Safari's 7-day cap on cookies written by JavaScript.
 */
export const clickIdCookie = (requestUrl: string | URL, options: CookieOptions = {}): string[] => {
  const {
    params = ['click_id'],
    keep = [],
    cookie = 'click_id',
    days = 365,
    domain = 'auto',
    attribution = 'last',
    now = Date.now(),
  } = options;
  let url: URL;
  try {
    url = new URL(String(requestUrl));
  } catch {
    return [];
  }
  const href = url.href;
  let id: string | undefined;
  let src = '';
  for (const p of params) {
    const v = getParam(href, p);
    if (isValidClickId(v)) {
      id = v;
      src = p;
      break;
    }
  }
  if (!id) return [];
  if (attribution === 'first' && readClickData(options.cookieHeader, cookie, now)) return [];
  const kept: Record<string, string> = {};
  for (const k of keep) {
    const v = getParam(href, k);
    if (isValidValue(v) && !k.startsWith(RESERVED_PREFIX)) kept[k] = v;
  }
  const exp = Math.floor(now / 1000) + Math.round(days * 86400);
  const host = url.hostname;
  const on = domain === 'auto' ? getDomain(host, { allowPrivateDomains: true }) : domain || null;
  const attributes = [
    `path=/`,
    `expires=${new Date(exp * 1000).toUTCString()}`,
    ...(on ? [`domain=${on}`] : []),
    'SameSite=Lax',
    ...(url.protocol === 'https:' ? ['Secure'] : []),
  ].join('; ');
  return [
    `${writeName(cookie)}=${writeValue(id)}; ${attributes}`,
    `${writeName(dataCookieName(cookie))}=${writeValue(dataQuery(src, exp, kept))}; ${attributes}`,
  ];
};
