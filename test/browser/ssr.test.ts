// @vitest-environment node
// Server rendering: the ESM entry runs where there is no window, document or location (Next.js, Remix, Astro).
import { describe, expect, it } from 'vitest';
import { init } from '../../src/browser/index';

describe('the browser API during server rendering', () => {
  it('decorate returns the URL unchanged instead of throwing, as init() degrades', () => {
    expect(typeof globalThis.location).toBe('undefined');
    const ct = init({ debug: false });
    expect(ct.clickId()).toBeUndefined();
    for (const url of ['https://buy.stripe.com/9AQ5nM0', '/pricing?plan=pro', 'not a url', ''])
      expect(ct.decorate(url)).toBe(url);
    ct.stop();
  });
});
