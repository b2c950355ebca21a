// Next.js (App Router): examples/nextjs/app (the README's layout, client component and route handler) built with
// `next build` and served by `next start`, clicktrail installed from the packed tarball. The page in Chromium
// decorates its Stripe link and shows the click id after mount without a hydration error; the route handler answers
// a signed webhook 200 once (one postback), a duplicate 200, a tampered one 400.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchOptions } from '../../scripts/chromium.mjs';
import {
  appEnv,
  checkWebhook,
  freePort,
  prepareApp,
  ROOT,
  type Running,
  start,
  startTracker,
  type Tracker,
  teardown,
  WEBHOOK_SECRET,
} from './lib';

let app: Awaited<ReturnType<typeof prepareApp>>;
let server: Running;
let tracker: Tracker;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  app = await prepareApp('next', (dir) =>
    cpSync(join(ROOT, 'examples', 'nextjs', 'app'), join(dir, 'app'), { recursive: true }),
  );
  const next = join(app.dir, 'node_modules', 'next', 'dist', 'bin', 'next');
  const env = { NEXT_TELEMETRY_DISABLED: '1' };
  // Built without the webhook secret, as a CI build usually is: the route must not need it at build time.
  await app.build(env); // next build
  tracker = await startTracker();
  const port = await freePort();
  server = await start(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: app.dir,
    env: { ...env, ...appEnv(tracker, WEBHOOK_SECRET) },
    ready: /Ready in/,
  });
  origin = `http://127.0.0.1:${port}`;
  browser = await chromium.launch(launchOptions);
});

afterAll(() =>
  teardown(
    () => browser?.close(),
    () => server?.stop(),
    () => tracker?.close(),
    () => app?.cleanup(),
  ),
);

describe('Next.js App Router app', () => {
  it('decorates the Stripe link and shows the click id after mount, without hydration errors', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      // Failed loads are checked below by URL (the example has no favicon, and needs none).
      if ((m.type() === 'error' || m.type() === 'warning') && !m.text().startsWith('Failed to load resource'))
        errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => {
      if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico')
        errors.push(`${r.status()} ${r.url()}`);
    });
    // The HTML as the server sent it: no click id can be in it.
    const html = await (await fetch(`${origin}/?click_id=nx42&affid=7`)).text();
    expect(html).toContain('No referral');
    expect(html).toContain('href="https://buy.stripe.com/test_5kA00000000000"');

    await page.goto(`${origin}/?click_id=nx42&affid=7`);
    await expect
      .poll(() => page.locator('#buy').getAttribute('href'))
      .toBe('https://buy.stripe.com/test_5kA00000000000?client_reference_id=nx42');
    await expect.poll(() => page.locator('#referral').textContent()).toBe('Referred by click nx42');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'click_id')?.value).toBe('nx42');
    expect(decodeURIComponent(cookies.find((c) => c.name === 'click_id_data')?.value ?? '')).toMatch(
      /^ct_src=click_id&ct_exp=\d+&affid=7$/,
    );

    // Another page load of the same visit (no click id in the URL): the stored id, decorated again.
    await page.goto(`${origin}/`);
    await expect
      .poll(() => page.locator('#buy').getAttribute('href'))
      .toBe('https://buy.stripe.com/test_5kA00000000000?client_reference_id=nx42');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('answers a signed webhook 200 once with one postback, a duplicate 200, a tampered one 400', async () => {
    await checkWebhook(
      (body, headers) => fetch(`${origin}/api/stripe`, { method: 'POST', body, headers }),
      tracker,
      expect,
    );
  });
});
