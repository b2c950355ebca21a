// Types only: the globals the script tag creates. Shipped as `clicktrail/global` for pages that use the script tag
// from TypeScript (`/// <reference types="clicktrail/global" />`); the npm entry does not pull them in, because
// init() never sets window.clicktrail.
import type { ClickTrail } from './options';

declare global {
  interface Window {
    /** The script tag's ClickTrail object, set once it has run (then `clicktrail:ready` is dispatched). */
    clicktrail?: ClickTrail;
  }
  interface WindowEventMap {
    /** Dispatched on window once the script tag has run; `detail` is `window.clicktrail`. */
    'clicktrail:ready': CustomEvent<ClickTrail>;
  }
}
