import { decode, encode } from './encode';

/** What clicktrail remembers about a visit, on both sides of the wire. */
export interface ClickData {
  /** The click id. */
  id: string;
  /** The URL parameter it arrived in (`click_id`, `affS1`, …). */
  src: string;
  /** When it expires, in epoch seconds. */
  exp: number;
  /** The kept entry params (`affid`, `utm_source`, …). */
  params: Record<string, string>;
}

/** Reserved keys of the data cookie; kept params never use this prefix. */
export const RESERVED_PREFIX = 'ct_';

/** Name of the companion cookie that holds the source, expiry and kept params. */
export const dataCookieName = (cookie: string): string => `${cookie}_data`;

/**
 * The data cookie's value before cookie-level encoding: a URL query string,
 * `ct_src=affS1&ct_exp=1795000000&affid=101&utm_source=google`.
 */
export const formatData = (data: Omit<ClickData, 'id'>): string =>
  [
    ['ct_src', data.src],
    ['ct_exp', String(data.exp)],
    ...Object.entries(data.params).filter(([k]) => !k.startsWith(RESERVED_PREFIX)),
  ]
    .map(([k, v]) => `${encode(k as string)}=${encode(v as string)}`)
    .join('&');

/** Parses formatData's output; unknown or malformed pairs are skipped, never thrown. */
export const parseData = (value: string): Omit<ClickData, 'id'> => {
  const out: Omit<ClickData, 'id'> = { src: '', exp: 0, params: {} };
  const params: [string, string][] = [];
  for (const pair of value.split('&')) {
    const eq = pair.indexOf('=');
    const k = decode(eq < 0 ? pair : pair.slice(0, eq));
    const v = eq < 0 ? '' : decode(pair.slice(eq + 1));
    if (!k || v === undefined) continue;
    if (k === 'ct_src') out.src = v;
    else if (k === 'ct_exp') out.exp = Number(v) || 0;
    else if (!k.startsWith(RESERVED_PREFIX)) params.push([k, v]);
  }
  // fromEntries defines own properties: a kept param named `__proto__` is kept, never assigned to the prototype.
  out.params = Object.fromEntries(params);
  return out;
};
