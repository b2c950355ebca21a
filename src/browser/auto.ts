import { resolveConfig } from './config';
import type {} from './global'; // window.clicktrail and the clicktrail:ready event
import { configTag, isClickTrail } from './script-tag';
import { start } from './start';

// The script-tag entry: configures clicktrail from the first clicktrail tag's data-* attributes, exposes it as
// window.clicktrail and announces it with the clicktrail:ready event. A second copy finds it running and stops.
try {
  if (!isClickTrail(window.clicktrail)) {
    const clicktrail = start(resolveConfig(configTag()?.dataset));
    window.clicktrail = clicktrail;
    dispatchEvent(new CustomEvent('clicktrail:ready', { detail: clicktrail }));
  }
} catch {}
