import type { ClickData } from '../core/click';
import type { Log } from './log';

/** Options for init(); every one has a `data-*` twin on the script tag (see README). */
export interface Options {
  /** URL params that carry the click id, first match wins. Default `['click_id']`. */
  params?: string[];
  /** Other entry params to remember beside the click id. Default `[]`. */
  keep?: string[];
  /** Cookie and localStorage key. Default `'click_id'`. */
  cookie?: string;
  /** Lifetime in days. Default 365. */
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
  /** `false`: keep everything in memory until grantConsent(). Default `true`. */
  consent?: boolean;
  /** Remove the captured params from the address bar after capture. Default `false`. */
  clean?: boolean;
  /** Log what was captured, stored, refused and decorated. Default `false`. */
  debug?: boolean;
}

/**
 * What the link rules need to know, built once by init() and shared (init updates `_d` as the click changes).
 * Internal: the `_` names are shortened by the IIFE's minifier.
 */
export interface LinkContext {
  /** The current click (its id and kept params), or undefined: then nothing is decorated. */
  _d?: ClickData | undefined;
  /** The param name cross-domain links carry (the first entry of `params`). */
  _p: string;
  /** Stripe hosts to decorate (`buy.stripe.com` plus custom ones), or empty when `stripe: false`. */
  _h: string[];
  /** The placeholder token; empty or false turns placeholders off. */
  _t: string | false;
  /** Hosts (and their subdomains) that get the click id param. */
  _l: string[];
  /** The debug logger. */
  _log: Log;
}

/** The object init() returns and the script tag exposes as `window.clicktrail`. */
export interface ClickTrail {
  /** The click id, or undefined when none was captured (or it expired). */
  clickId(): string | undefined;
  /** The kept entry params, e.g. `{ affid: '101' }`. */
  params(): Record<string, string>;
  /** The url with the click id applied by the same rules as links. */
  decorate(url: string): string;
  /** Writes what was held in memory to the cookie and localStorage (for `consent: false`). */
  grantConsent(): void;
  /** Removes every trace: cookies on the domain they were written to, and the mirror. */
  clear(): void;
  /** Disconnects the observer and the click handler. */
  stop(): void;
}
