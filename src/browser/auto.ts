import { optionsFromDataset } from './dataset';
import type {} from './global'; // window.clicktrail and the clicktrail:ready event
import { init } from './index';

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
