// Vite + React SPA: clicktrail/react from the packed tarball, type-checked (strict, bundler resolution), built by
// `vite build` and served by `vite preview`. In Chromium: under StrictMode clicktrail starts once, the click id shows
// after mount, a Stripe link rendered later (an SPA route) is decorated, and clear() through the hook re-renders.
import { join } from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchOptions } from '../../scripts/chromium.mjs';
import { freePort, prepareApp, type Running, start, teardown } from './lib';

let app: Awaited<ReturnType<typeof prepareApp>>;
let server: Running;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  app = await prepareApp('vite-react');
  await app.build(); // tsc --noEmit && vite build
  const vite = join(app.dir, 'node_modules', 'vite', 'bin', 'vite.js');
  const port = await freePort();
  server = await start(
    process.execPath,
    [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: app.dir, ready: /Local:/ },
  );
  origin = `http://127.0.0.1:${port}`;
  browser = await chromium.launch(launchOptions);
});

afterAll(() =>
  teardown(
    () => browser?.close(),
    () => server?.stop(),
    () => app?.cleanup(),
  ),
);

describe('Vite + React SPA', () => {
  it('starts clicktrail once under StrictMode, shows the id, decorates links rendered later, re-renders on clear()', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Counts carry() starts: each init() creates exactly one MutationObserver, and nothing else on this page does.
    await page.addInitScript(() => {
      const Real = window.MutationObserver;
      const w = window as unknown as { __observers: number };
      w.__observers = 0;
      window.MutationObserver = class extends Real {
        constructor(callback: MutationCallback) {
          super(callback);
          w.__observers++;
        }
      };
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });

    await page.goto(`${origin}/?affS1=vt42&affid=9`);
    await expect
      .poll(() => page.locator('#referral').textContent())
      .toBe('Referred by click vt42 (affiliate 9)');
    expect(await page.evaluate(() => (window as unknown as { __observers: number }).__observers)).toBe(1);

    await page.click('#show-pricing');
    await expect
      .poll(() => page.locator('#buy').getAttribute('href'))
      .toBe('https://buy.stripe.com/test_00000000000000?client_reference_id=vt42');

    await page.click('#forget');
    await expect.poll(() => page.locator('#referral').textContent()).toBe('No referral');
    expect((await context.cookies()).filter((c) => c.name.startsWith('click_id'))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
