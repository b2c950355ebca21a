import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { optionsFromDataset } from '../../src/browser/dataset';
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
// The attribute names map to dataset keys as browsers do (data-link-domains → linkDomains). A plain object
// stands in for the DOMStringMap: happy-dom's does not enumerate empty values (a bare data-clean), browsers do.
const dataset = (attrs: Record<string, string>) =>
  optionsFromDataset(
    Object.fromEntries(
      Object.entries(attrs).map(([k, v]) => [k.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase()), v]),
    ),
  );

describe('optionsFromDataset (the data-* table)', () => {
  it('reads every documented attribute', () => {
    expect(
      dataset({
        'data-params': 'click_id, affS1',
        'data-keep': 'affid,campaign',
        'data-cookie': 'tn_click_id',
        'data-days': '90',
        'data-domain': 'example.com',
        'data-attribution': 'first',
        'data-stripe': 'pay.example.com',
        'data-placeholder': '{cid}',
        'data-link-domains': 'other.com,third.org',
        'data-consent': 'pending',
        'data-clean': '',
        'data-debug': '',
      }),
    ).toEqual({
      params: ['click_id', 'affS1'],
      keep: ['affid', 'campaign'],
      cookie: 'tn_click_id',
      days: '90',
      domain: 'example.com',
      attribution: 'first',
      stripe: { hosts: ['pay.example.com'] },
      placeholder: '{cid}',
      linkDomains: ['other.com', 'third.org'],
      consent: false,
      clean: true,
      debug: true,
    });
  });

  it('turns options off with "false"', () => {
    expect(
      dataset({
        'data-domain': 'false',
        'data-stripe': 'false',
        'data-placeholder': 'false',
        'data-clean': 'false',
        'data-debug': 'false',
        'data-consent': 'false',
      }),
    ).toEqual({
      domain: false,
      stripe: false,
      placeholder: false,
      clean: false,
      debug: false,
      consent: false,
    });
  });

  it('leaves absent and empty attributes to the defaults', () => {
    expect(dataset({})).toEqual({});
    const o = dataset({ 'data-cookie': '', 'data-params': '', 'data-domain': 'auto', 'data-stripe': '' });
    expect(o.cookie).toBeUndefined();
    expect(o.params).toEqual([]);
    expect(o.domain).toBe('auto');
    expect(o.stripe).toEqual({ hosts: [] });
  });
});

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
    const s = tag({ 'data-params': 'tn', 'data-cookie': 'tn_cid', 'data-domain': 'false' });
    Object.defineProperty(document, 'currentScript', { configurable: true, value: s });
    const ready = vi.fn();
    addEventListener('clicktrail:ready', (e) => ready((e as CustomEvent<ClickTrail>).detail), { once: true });
    await import('../../src/browser/auto');
    expect(window.clicktrail?.clickId()).toBe('abc');
    expect(ready).toHaveBeenCalledWith(window.clicktrail);
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
