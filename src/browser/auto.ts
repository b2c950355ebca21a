import { optionsFromDataset } from './dataset';
import { init } from './index';
import type { ClickTrail } from './options';

declare global {
  interface Window {
    /** The script tag's ClickTrail object, set once it has run. */
    clicktrail?: ClickTrail;
  }
}

// The script-tag entry. Async and injected scripts may see currentScript null, hence the src fallback.
try {
  if (!window.clicktrail) {
    const tag = (document.currentScript ||
      document.querySelector('script[src*="clicktrail"]')) as HTMLScriptElement | null;
    dispatchEvent(
      new CustomEvent('clicktrail:ready', {
        detail: (window.clicktrail = init(optionsFromDataset(tag?.dataset))),
      }),
    );
  }
} catch {}
