// The public types of the browser API: what init() accepts and what it returns.

/**
 * Options for init(); each has a `data-*` twin on the script tag (`idParams` ↔ `data-id-params`, see README).
 * A value of the wrong kind (`days: -5`, `idParams: 'click_id'`, `placeholder: ''`) falls back to the default,
 * and `debug` says so.
 */
export interface Options {
  /** URL params that may carry the click id, in order: the first present and valid one wins. Default `['click_id']`. */
  idParams?: string[];
  /** @deprecated Renamed `idParams` (same meaning); used only when `idParams` is absent. */
  params?: string[];
  /** Other entry params to keep beside the click id. Names starting with `ct_` are reserved. Default `[]`. */
  keep?: string[];
  /** Name of the id cookie, of its `<cookie>_data` companion and of the localStorage mirror. Default `'click_id'`. */
  cookie?: string;
  /** Lifetime in days, above 0 and at most 3650. Default 365. */
  days?: number;
  /** `'auto'`: the widest domain the browser accepts; a string: that domain; `false`: host only. Default `'auto'`. */
  domain?: 'auto' | string | false;
  /** `'last'`: a new click id replaces the old one; `'first'`: the first is kept until it expires. Default `'last'`. */
  attribution?: 'first' | 'last';
  /** Decorate Stripe links and elements; `{ hosts }` adds custom Stripe domains. Default `true`. */
  stripe?: boolean | { hosts?: string[] };
  /** Token replaced in link hrefs by the URL-encoded click id; `false` turns it off. Default `'--CLICK-ID--'`. */
  placeholder?: string | false;
  /** Other sites of yours whose links (and their subdomains') get the click id param. Default `[]`. */
  linkDomains?: string[];
  /** Only `true` stores; anything else holds the click in memory until grantConsent(). Default `true`. */
  consent?: boolean;
  /** Remove the captured params from the address bar after capture. Default `false`. */
  clean?: boolean;
  /**
   * Log what was captured, stored, refused and decorated. Default `false`. The script tag's own build has no
   * logging; load `clicktrail.debug.js` instead (the same script with it, on by default).
   */
  debug?: boolean;
}

/** The object init() returns and the script tag exposes as `window.clicktrail`. */
export interface ClickTrail {
  /** The click id, or undefined when none was captured (or it expired). */
  clickId(): string | undefined;
  /** The kept entry params, e.g. `{ affid: '101' }`. */
  kept(): Record<string, string>;
  /** @deprecated Renamed `kept()` (same result). */
  params(): Record<string, string>;
  /** The url with the click id applied by the same rules as links. */
  decorate(url: string): string;
  /** Writes what was held in memory to the cookie and localStorage (for `consent: false`). */
  grantConsent(): void;
  /** Removes every trace: cookies on the domain they were written to, and the mirror. */
  clear(): void;
  /** Disconnects the observer and the click handler, and stops watching the address bar. */
  stop(): void;
}
