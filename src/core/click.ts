// The click: what clicktrail remembers about the affiliate click a visit came from. Browser and server share this
// model, so a cookie written by either side reads the same on the other.

/** What clicktrail remembers about a visit, on both sides of the wire. */
export interface ClickData {
  /** The click id. */
  id: string;
  /** The URL parameter it arrived in (`click_id`, `affS1`, …). */
  src: string;
  /** When it expires, in epoch seconds. */
  exp: number;
  /** The kept entry params (`affid`, `utm_source`, …), in the order they were kept. */
  kept: Record<string, string>;
}

/** A click just read from a landing URL: it has no expiry until attribution gives it one. */
export type CapturedClick = Omit<ClickData, 'exp'>;

/** Kept params never use this prefix: the data cookie's own fields (`ct_src`, `ct_exp`) do. */
export const RESERVED_PREFIX = 'ct_';

/**
 * True when a value may be kept beside the click id: 1 to 256 characters (real ids are UUIDs or a few dozen), no
 * C0/C1 control character or DEL, no U+FFFD (what a malformed escape decodes to), no surrounding whitespace
 * (`spring sale` is fine).
 */
export const isValidKeptValue = (value: unknown): value is string =>
  typeof value === 'string' && /^[^\0-\x1f\x7f-\x9f\ufffd]{1,256}$/.test(value) && value.trim() === value;

/** True when a value may be stored as a click id: a valid kept value with no whitespace at all (\s covers NBSP, BOM…). */
export const isValidClickId = (value: unknown): value is string =>
  isValidKeptValue(value) && !/\s/.test(value);

/** True for a name `keep` may not use (it would overwrite the data cookie's own fields). */
export const isReservedName = (name: string): boolean => name.startsWith(RESERVED_PREFIX);

/** The expiry, in epoch seconds, of a click made at `nowMs` that lives `days` days. */
export const expiryFor = (nowMs: number, days: number): number => Math.floor(nowMs / 1e3 + days * 864e2);

/** The click itself when its id is valid and it has not expired at `nowMs`, else undefined. */
export const liveClick = (click: ClickData | null | undefined, nowMs: number): ClickData | undefined =>
  click && isValidClickId(click.id) && click.exp * 1e3 > nowMs ? click : undefined;
