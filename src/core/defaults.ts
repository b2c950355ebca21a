// Every default of the click model, written once; the browser's init() and the server's clickIdCookie() share them.

/** URL params that carry the click id when `idParams` is not given. */
export const DEFAULT_ID_PARAMS: readonly string[] = ['click_id'];

/** Name of the id cookie, of its `<cookie>_data` companion and of the localStorage mirror. */
export const DEFAULT_COOKIE = 'click_id';

/** Lifetime of a click, in days. */
export const DEFAULT_DAYS = 365;

/** Longest accepted lifetime, in days: anything longer is a typo (and past what browsers keep: Chrome caps at 400). */
export const MAX_DAYS = 3650;

/** True when `days` is a usable lifetime: a finite number of days above 0, at most MAX_DAYS. */
export const isValidDays = (days: unknown): days is number =>
  typeof days === 'number' && days > 0 && days <= MAX_DAYS;
