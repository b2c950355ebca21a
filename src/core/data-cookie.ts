import Cookies from 'js-cookie';
import { type ClickData, isReservedName, isValidKeptValue } from './click';

// The `<cookie>_data` companion cookie: `ct_src=affS1&ct_exp=1795000000&affid=101&utm_campaign=spring+sale`, a URL
// query written and read with URLSearchParams on both sides (a space is `+`). The cookie layer (js-cookie, on both
// sides) percent-encodes it once more.

/** Browsers refuse a cookie whose name and value together pass 4,096 bytes (RFC 6265bis; Chrome, Firefox, Safari). */
export const MAX_COOKIE_BYTES = 4096;

/** Name of the companion cookie that holds the source, expiry and kept params. */
export const dataCookieName = (cookie: string): string => `${cookie}_data`;

/**
 * The data cookie's value before cookie-level encoding. Kept params never have a reserved name (`ct_…`): capture
 * and parseData, the only ways in, refuse them.
 */
export const formatData = (click: Omit<ClickData, 'id'>): string =>
  `${new URLSearchParams([['ct_src', click.src], ['ct_exp', `${click.exp}`], ...Object.entries(click.kept)])}`;

/**
 * Reads formatData's output (from either side). Leniently, as browsers read queries: never throws. The first
 * `ct_src` and `ct_exp` count (formatData writes them first); other `ct_` fields are ignored and kept values that
 * fail validation are dropped; a missing or unreadable expiry is 0.
 */
export const parseData = (value: string): Omit<ClickData, 'id'> => {
  const query = new URLSearchParams(value);
  return {
    src: query.get('ct_src') || '',
    exp: +query.get('ct_exp')! || 0,
    // fromEntries defines own properties: a kept param named `__proto__` is kept, never assigned to the prototype.
    kept: Object.fromEntries(
      [...query].filter(([name, v]) => name && !isReservedName(name) && isValidKeptValue(v)),
    ),
  };
};

/**
 * The click with only the kept params its data cookie (named `cookie`) can hold: a browser silently refuses a cookie
 * over MAX_COOKIE_BYTES, which would lose them all. Params are taken in their order; one that does not fit is
 * dropped (and told to onDropped) and a later, shorter one may still fit. Sizes are counted as written: formatData's
 * query with js-cookie's cookie-level encoding (ASCII, so characters are bytes).
 */
export const fitData = (
  click: ClickData,
  cookie: string,
  onDropped?: (name: string, value: string) => void,
): ClickData => {
  const fits: [string, string][] = [];
  for (const pair of Object.entries(click.kept)) {
    fits.push(pair);
    const value = formatData({ ...click, kept: Object.fromEntries(fits) });
    if (cookie.length + 1 + Cookies.converter.write(value, cookie).length > MAX_COOKIE_BYTES) {
      fits.pop();
      onDropped?.(...pair);
    }
  }
  return { ...click, kept: Object.fromEntries(fits) };
};
