// @vitest-environment node
// clicktrail/react on a server: no window, no document. Importing and rendering must neither throw nor start
// anything, and the HTML must be the same as the first client render (see react.test.ts for hydration).
import { createElement as h, StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ClickTrailInit, useClickTrail } from '../../src/browser/react';

const Show = () => {
  const { clickId, kept, clicktrail } = useClickTrail();
  return h('p', null, `${clickId ?? 'none'} ${Object.keys(kept).length} ${clicktrail ? 'ct' : 'no ct'}`);
};

describe('clicktrail/react on the server', () => {
  it('renders without a window, with no click id', () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const html = renderToString(h(StrictMode, null, h(ClickTrailInit, { keep: ['affid'] }), h(Show)));
    expect(html).toBe('<p>none 0 no ct</p>');
  });
});
