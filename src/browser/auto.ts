import { resolveConfig } from './config';
import type {} from './global'; // window.clicktrail and the clicktrail:ready event
import { configTag, isClickTrail } from './script-tag';
import { start } from './start';

// The script-tag entry: configures clicktrail from the first clicktrail tag's data-* attributes, exposes it as
// window.clicktrail and announces it with the clicktrail:ready event. A second copy finds it running and stops.

// This tag, read now: document.currentScript is null once the script has run.
const ownTag = document.currentScript;
// The work runs as a microtask: right after this script, before the parser runs the next one, so a later script
// still finds window.clicktrail. It saves 0.35–0.45 ms of a first visit's 3.3–3.7 (bench/compare.mjs, three runs):
// the page's first document.cookie read makes Chromium record where it came from, and V8 re-parses every function
// on the stack for its source positions. At load that stack includes the bundle's outer function, all 8 KB of it;
// in a microtask it holds only the few functions on the way to the read.
queueMicrotask(() => {
  try {
    if (!isClickTrail(window.clicktrail)) {
      const clicktrail = start(resolveConfig(configTag(ownTag)?.dataset));
      window.clicktrail = clicktrail;
      dispatchEvent(new CustomEvent('clicktrail:ready', { detail: clicktrail }));
    }
  } catch {}
});
