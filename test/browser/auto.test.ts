import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClickTrail } from '../../src/browser/options';
import { installJar, type Jar, setUrl } from './jar';

// happy-dom never fetches scripts here; this only quiets its "loading is disabled" report.
(
  window as unknown as { happyDOM: { settings: Record<string, unknown> } }
).happyDOM.settings.handleDisabledFileLoadingAsSuccess = true;
const tag = (attrs: Record<string, string>, src = 'https://cdn.example/clicktrail.min.js') => {
  const at = Object.entries(attrs).map(([k, v]) => ` ${k}="${v}"`);
  document.head.innerHTML = `<script async src="${src}"${at.join('')}></script>`;
  return document.head.firstElementChild as HTMLScriptElement;
};
describe('the script-tag entry', () => {
  let jar: Jar;
  beforeEach(() => {
    vi.resetModules();
    setUrl('https://shop.example.co.uk/?tn=abc');
    jar = installJar('shop.example.co.uk');
    localStorage.clear();
    document.head.innerHTML = '';
    delete window.clicktrail;
  });
  afterEach(() => {
    window.clicktrail?.stop();
    delete (document as unknown as Record<string, unknown>).currentScript;
    jar.restore();
  });

  it('configures itself from its own tag, exposes window.clicktrail and fires clicktrail:ready', async () => {
    const s = tag({ 'data-id-params': 'tn', 'data-cookie': 'tn_cid', 'data-domain': 'false' });
    Object.defineProperty(document, 'currentScript', { configurable: true, value: s });
    const ready = vi.fn();
    addEventListener('clicktrail:ready', (e) => ready((e as CustomEvent<ClickTrail>).detail), { once: true });
    await import('../../src/browser/auto');
    expect(window.clicktrail?.clickId()).toBe('abc');
    expect(ready).toHaveBeenCalledWith(window.clicktrail);
    expect(jar.cookies().find((c) => c.name === 'tn_cid')).toMatchObject({ value: 'abc', domain: '' });
  });

  it('a copy under another name reads its own tag while it runs: currentScript is null by its microtask', async () => {
    const s = tag(
      { 'data-id-params': 'tn', 'data-cookie': 'tn_cid', 'data-domain': 'false' },
      '/js/attribution.js',
    );
    Object.defineProperty(document, 'currentScript', { configurable: true, value: s });
    // The entry's microtask, held back so the test can do what the browser does once the script has run.
    const held: VoidFunction[] = [];
    const queue = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      held.push(task);
    });
    try {
      await import('../../src/browser/auto');
    } finally {
      queue.mockRestore();
    }
    expect(window.clicktrail).toBeUndefined();
    delete (document as unknown as Record<string, unknown>).currentScript;
    for (const task of held) task();
    expect(window.clicktrail?.clickId()).toBe('abc');
    expect(jar.cookies().find((c) => c.name === 'tn_cid')).toMatchObject({ value: 'abc', domain: '' });
  });

  it('finds its tag by src when currentScript is null (async or injected)', async () => {
    tag({ 'data-params': 'tn' }, '/js/clicktrail.min.js?v=1');
    await import('../../src/browser/auto');
    expect(window.clicktrail?.clickId()).toBe('abc');
  });

  it('falls back to the defaults without any tag', async () => {
    setUrl('https://shop.example.co.uk/?click_id=def');
    await import('../../src/browser/auto');
    expect(window.clicktrail?.clickId()).toBe('def');
  });

  it('with two tags, the first in the page configures it, whichever runs (issue 11, defect 10)', async () => {
    setUrl('https://shop.example.co.uk/?click_id=abc');
    document.head.innerHTML = `
      <script async src="https://cdn.example/clicktrail.min.js" data-cookie="first_tag"></script>
      <script async src="/js/clicktrail.min.js" data-cookie="second_tag"></script>`;
    // The second tag's copy runs first (it loaded first): it still takes the first tag's configuration.
    Object.defineProperty(document, 'currentScript', { configurable: true, value: document.scripts[1] });
    await import('../../src/browser/auto');
    expect(jar.cookies().map((c) => c.name)).toEqual(['first_tag', 'first_tag_data']);
  });

  it('runs even when the page has an element named clicktrail (DOM clobbering, issue 11, defect 1)', async () => {
    const clobber = document.createElement('div');
    clobber.id = 'clicktrail';
    document.body.append(clobber);
    // What browsers expose for `<div id="clicktrail">` (happy-dom does not do named access by itself).
    (window as unknown as Record<string, unknown>).clicktrail = clobber;
    setUrl('https://shop.example.co.uk/?click_id=abc');
    await import('../../src/browser/auto');
    expect(window.clicktrail).not.toBe(clobber);
    expect(window.clicktrail?.clickId()).toBe('abc');
    clobber.remove();
  });

  it('runs once when the tag is included twice', async () => {
    await import('../../src/browser/auto');
    const first = window.clicktrail;
    vi.resetModules();
    const ready = vi.fn();
    addEventListener('clicktrail:ready', ready, { once: true });
    await import('../../src/browser/auto');
    expect(window.clicktrail).toBe(first);
    expect(ready).not.toHaveBeenCalled();
    removeEventListener('clicktrail:ready', ready);
  });

  it('serves the documented waiting snippet whether page code runs before or after it', async () => {
    const use = vi.fn();
    const wait = () =>
      window.clicktrail
        ? use(window.clicktrail)
        : addEventListener('clicktrail:ready', (e) => use((e as CustomEvent).detail), { once: true });
    wait(); // before the script
    await import('../../src/browser/auto');
    wait(); // after it
    expect(use).toHaveBeenCalledTimes(2);
    expect(use.mock.calls[0][0]).toBe(window.clicktrail);
    expect(use.mock.calls[1][0]).toBe(window.clicktrail);
  });
});
