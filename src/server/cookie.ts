import Cookies from 'js-cookie';
import { getDomain } from 'tldts';
import { type Attribution, attribute } from '../core/attribution';
import { captureClick } from '../core/capture';
import { type ClickData, expiryFor, liveClick } from '../core/click';
import { dataCookieName, fitData, formatData, parseData } from '../core/data-cookie';
import { DEFAULT_COOKIE, DEFAULT_DAYS, DEFAULT_ID_PARAMS, isValidDays, MAX_DAYS } from '../core/defaults';
import { checkOneOf, checkStrings, invalidOption } from './check';
import { ClickTrailError } from './errors';

/** Options of clickIdCookie; names and defaults as the browser's init() options. */
export interface CookieOptions {
  /** URL params that carry the click id, first match wins. Default `['click_id']`. */
  idParams?: readonly string[];
  /** @deprecated Renamed `idParams` (same meaning). */
  params?: readonly string[];
  /** Other entry params to remember. Names starting with `ct_` are reserved. Default `[]`. */
  keep?: readonly string[];
  /** Cookie name: letters, digits, `_`, `-`, `.`. Default `'click_id'`. */
  cookie?: string;
  /** Lifetime in days, above 0 and at most 3650. Default 365. */
  days?: number;
  /**
   * `'auto'`: the registrable domain (public-suffix list); a domain name (`'example.com'`): that domain; false (or
   * ''): host only. Default `'auto'`.
   */
  domain?: 'auto' | string | false;
  /** `'first'` keeps an unexpired click id found in `cookieHeader`. Default `'last'`. */
  attribution?: Attribution;
  /** The request's Cookie header: for `attribution: 'first'`, and so the same click again keeps its kept params. */
  cookieHeader?: string | null;
  /** Epoch ms, for tests. Default Date.now(). */
  now?: number;
}

/** A click read from a Cookie header; `params` is the 0.1 name of `kept`. */
export type StoredClick = ClickData & {
  /** @deprecated Renamed `kept` (the same object). */
  params: Record<string, string>;
};

// A name in this set is written byte for byte as js-cookie writes it (its name encoding leaves these alone), so the
// browser finds the server's cookie under the name it was configured with.
const COOKIE_NAME = /^[\w.-]{1,64}$/;

const cookieName = (name: string): string => {
  if (typeof name === 'string' && COOKIE_NAME.test(name)) return name;
  throw new ClickTrailError(
    'invalid_option',
    `cookie must be 1 to 64 letters, digits, '_', '-' or '.', got ${JSON.stringify(name)}`,
  );
};

// A domain name (letters, digits, hyphens; IDNs in their xn-- form), an optional leading dot as RFC 6265 allows:
// anything else (`;`, `=`, spaces) would write attributes into the Set-Cookie header.
const DOMAIN =
  /^\.?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Throws ClickTrailError `invalid_option` for options clickIdCookie cannot honour: a `domain` that is not a domain
 * name (it would inject cookie attributes), `days` outside (0, 3650], id params that are not a non-empty list of
 * names, and so on. The message names the option and what it must be.
 */
export const checkCookieOptions = (where: string, options: CookieOptions): void => {
  if (!options || typeof options !== 'object') throw invalidOption(where, 'options', 'an object', options);
  const { domain, days, idParams, params, attribution } = options;
  if (
    domain !== undefined &&
    domain !== 'auto' &&
    domain !== false &&
    domain !== '' &&
    !(typeof domain === 'string' && domain.length <= 253 && DOMAIN.test(domain))
  )
    throw invalidOption(where, 'domain', "'auto', false, or a domain name such as 'example.com'", domain);
  if (days !== undefined && !isValidDays(days))
    throw invalidOption(where, 'days', `a number of days above 0 and at most ${MAX_DAYS}`, days);
  for (const [name, list] of [
    ['idParams', idParams],
    ['params', params],
  ] as const)
    if (
      list !== undefined &&
      !(Array.isArray(list) && list.length && list.every((n) => typeof n === 'string' && n))
    )
      throw invalidOption(where, name, 'a non-empty array of parameter names', list);
  checkStrings(where, 'keep', options.keep);
  checkOneOf(where, 'attribution', attribution, ['first', 'last']);
  if (options.cookie !== undefined) cookieName(options.cookie);
  if (options.now !== undefined && !Number.isFinite(options.now))
    throw invalidOption(where, 'now', 'epoch ms', options.now);
};

/** The cookies of a Cookie header, name → value decoded as js-cookie decodes (the first of a name wins, as there). */
const readCookies = (header: string | null | undefined): Map<string, string> => {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (out.has(name)) continue;
    try {
      out.set(name, Cookies.converter.read(part.slice(eq + 1).trim(), name));
    } catch {
      // A malformed escape: js-cookie skips the cookie too.
    }
  }
  return out;
};

/**
 * What the browser side stored, read from a Cookie header: the click id, where it came from, its expiry and the kept
 * params; undefined when there is no valid, unexpired click id. An id without its data cookie (written by other
 * code) lives as long as the browser keeps it.
 */
export const readClickData = (
  cookieHeader: string | null | undefined,
  name = DEFAULT_COOKIE,
  now = Date.now(),
): StoredClick | undefined => {
  const cookies = readCookies(cookieHeader);
  const data = parseData(cookies.get(dataCookieName(name)) ?? '');
  const click = liveClick(
    { id: cookies.get(name) ?? '', ...data, exp: data.exp || Number.POSITIVE_INFINITY },
    now,
  );
  return click && { ...click, exp: data.exp, params: click.kept };
};

/** The click id in a Cookie header (as the browser side or clickIdCookie wrote it), or undefined. */
export const readClickId = (
  cookieHeader: string | null | undefined,
  name = DEFAULT_COOKIE,
): string | undefined => readClickData(cookieHeader, name)?.id;

/**
 * Server-side capture: the Set-Cookie values (the click id and its `_data` companion, the browser's names and format)
 * for a landing request whose URL carries a click id; [] when it carries none (or `'first'` keeps an existing one).
 * The same rules as the browser's (core/capture, core/attribution). Cookies set by the server outlive Safari's
 * 7-day cap on cookies written by JavaScript. Options it cannot honour throw ClickTrailError `invalid_option`.
 */
export const clickIdCookie = (requestUrl: string | URL, options: CookieOptions = {}): string[] => {
  checkCookieOptions('clickIdCookie', options);
  const {
    idParams = options.params ?? DEFAULT_ID_PARAMS,
    keep = [],
    days = DEFAULT_DAYS,
    domain = 'auto',
    now = Date.now(),
  } = options;
  const name = cookieName(options.cookie ?? DEFAULT_COOKIE);
  let url: URL;
  try {
    url = new URL(String(requestUrl));
  } catch {
    return [];
  }
  const captured = captureClick(url.search, idParams, keep);
  const stored = captured && readClickData(options.cookieHeader, name, now);
  const click = attribute(stored, captured, options.attribution, expiryFor(now, days));
  if (!click) return [];
  const on = domain === 'auto' ? getDomain(url.hostname, { allowPrivateDomains: true }) : domain || null;
  const attributes = [
    'path=/',
    `expires=${new Date(click.exp * 1000).toUTCString()}`,
    ...(on ? [`domain=${on}`] : []),
    'SameSite=Lax',
    ...(url.protocol === 'https:' ? ['Secure'] : []),
  ].join('; ');
  const write = (cookie: string, value: string) =>
    `${cookie}=${Cookies.converter.write(value, cookie)}; ${attributes}`;
  // The browser refuses a cookie over 4,096 bytes (and with it every kept param): keep the params that fit, in order.
  const data = dataCookieName(name);
  return [write(name, click.id), write(data, formatData(fitData(click, data)))];
};
