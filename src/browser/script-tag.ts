import type { ClickTrail } from './options';

/**
 * True when `value` is a running clicktrail. `window.clicktrail` can also be an element: `<div id="clicktrail">`
 * or `<img name="clicktrail">` anywhere in the page is exposed under that name (DOM clobbering).
 */
export const isClickTrail = (value: unknown): value is ClickTrail =>
  typeof (value as ClickTrail | undefined)?.clickId === 'function';

/**
 * The `<script>` whose data-* attributes configure clicktrail: the first in the page whose src contains
 * `clicktrail`, else `ownTag`, this script's own tag (`document.currentScript` while it ran: a copy under another
 * name), else none (the defaults apply). With two tags (a template and a tag manager, each loading it async) the
 * same one wins whichever loads first: the other copy finds clicktrail running and stops.
 */
export const configTag = (ownTag: HTMLOrSVGScriptElement | null): HTMLOrSVGScriptElement | null =>
  document.querySelector('script[src*="clicktrail"]') || ownTag;
