// Shared fixtures for the end-to-end specs. Import `test` and `expect` from here instead of @playwright/test:
//
//   import { expect, test, url, cookie, clickId, followLink } from './fixtures';
//   test('…', async ({ page, context, server }) => {
//     await page.goto(url('shop.example.co.uk', '/?click_id=abc'));
//     expect((await cookie(context, 'click_id'))?.domain).toBe('.example.co.uk');
//   });
//
// How hostnames work: each worker starts the HTTPS server from ./server.mjs on a free 127.0.0.1 port and launches
// Chromium with `--host-resolver-rules=MAP * 127.0.0.1:<port>, EXCLUDE localhost, …`, so every hostname on every
// port (localhost excepted) reaches that server.
// URLs therefore carry no port (`https://shop.example.co.uk/`), the browser applies the real public-suffix rules to
// cookies, and absolute links in the example pages (`https://buy.stripe.com/test_…`, `https://other.example.net/`)
// are clicked for real: Stripe's hosts get a stand-in checkout page, and `server` records every request.
import {
  type BrowserContext,
  test as base,
  type Cookie,
  expect,
  type Locator,
  type Page,
} from '@playwright/test';
import type { ClickTrail } from '../src/browser/options';
import { resolverRule, type ServerOptions, type ShopServer, startServer } from './server.mjs';

export type { ServerOptions, ShopServer };
export { expect };

/** What the Stripe stand-in elements (examples/shop/stripe-standins.js) saw each time one connected. */
export interface StripeSeen {
  /** `stripe-buy-button` or `stripe-pricing-table`. */
  tag: string;
  /** The element's `data-name`, to tell several apart. */
  name: string | null;
  /** Its `client-reference-id` attribute at connect time (null when absent). */
  ref: string | null;
}

declare global {
  interface Window {
    clicktrail?: ClickTrail;
    __stripeSeen?: StripeSeen[];
  }
}

/** An https URL on a hostname; the worker's resolver rule sends it to the local server whatever the host. */
export const url = (host: string, path = '/'): string => `https://${host}${path}`;

/** A fresh click id per call, so tests never see each other's ids. */
export const newClickId = (prefix = 'ct'): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** Every cookie of that name in the context, with its domain (`.example.co.uk` for a domain cookie, host for host-only). */
export const cookies = async (context: BrowserContext, name: string): Promise<Cookie[]> =>
  (await context.cookies()).filter((c) => c.name === name);

/** The one cookie of that name in the context; fails the test when there are several (written on two domains). */
export const cookie = async (context: BrowserContext, name: string): Promise<Cookie | undefined> => {
  const found = await cookies(context, name);
  expect(found.length, `cookies named ${name}: ${JSON.stringify(found)}`).toBeLessThanOrEqual(1);
  return found[0];
};

/** The cookie's value as server code reads it (js-cookie URI-encodes at cookie level). */
export const cookieValue = (c: Cookie | undefined): string | undefined =>
  c ? decodeURIComponent(c.value) : undefined;

/** Waits until the page's `window.clicktrail` exists (the script tag ran), then returns its clickId(). */
export const clickId = async (page: Page): Promise<string | undefined> => {
  await page.waitForFunction(() => !!window.clicktrail);
  return page.evaluate(() => window.clicktrail?.clickId());
};

/** The page's localStorage mirror under `key`, parsed, or null. */
export const mirror = (page: Page, key = 'click_id'): Promise<unknown> =>
  page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? 'null'), key);

/** What the Stripe stand-in elements recorded so far, in connect order. */
export const stripeSeen = (page: Page): Promise<StripeSeen[]> =>
  page.evaluate(() => window.__stripeSeen ?? []);

/** The client-reference-id the named stand-in element saw when it last connected (what Stripe would read). */
export const lastSeenRef = async (page: Page, name: string): Promise<string | null | undefined> =>
  (await stripeSeen(page)).filter((s) => s.name === name).at(-1)?.ref;

/**
 * Clicks a link (or submits with a button) for real and returns the URL of the top-level navigation the browser
 * sent, then waits for the new page to load. This is what the next site receives, not what the href says.
 */
export const followLink = async (page: Page, target: Locator): Promise<string> => {
  const request = page.waitForRequest((r) => r.isNavigationRequest() && r.frame() === page.mainFrame());
  // The next page's load, not its URL: a page with data-clean rewrites its address bar before it loads.
  const loaded = page.waitForEvent('load');
  await target.click();
  const sent = (await request).url();
  await loaded;
  return sent;
};

/** The `name` query parameter of a URL, decoded (null when absent). */
export const param = (href: string, name: string): string | null => new URL(href).searchParams.get(name);

/**
 * `server`: the worker's HTTPS server (records every request: `server.recorded('buy.stripe.com')`).
 * `serverOptions`: its options, e.g. `test.use({ serverOptions: { handle } })` to add a demo's endpoints.
 * `launchOptions` is overridden so Chromium resolves every hostname except localhost to it; a server of your own
 * on `http://localhost:<port>` stays reachable.
 */
export const test = base.extend<
  { _freshRecords: undefined },
  { server: ShopServer; serverOptions: ServerOptions }
>({
  serverOptions: [{}, { scope: 'worker', option: true }],
  server: [
    async ({ serverOptions }, use) => {
      const server = await startServer(serverOptions);
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  launchOptions: [
    async ({ launchOptions, server }, use) => {
      const rule = `--host-resolver-rules=${resolverRule(server.port)}`;
      const args = (launchOptions.args ?? []).filter((a) => !a.startsWith('--host-resolver-rules'));
      await use({ ...launchOptions, args: [...args, rule] });
    },
    { scope: 'worker' },
  ],
  // Tests in one worker run one after another, so each starts with an empty request log.
  _freshRecords: [
    async ({ server }, use) => {
      server.clear();
      await use(undefined);
    },
    { auto: true },
  ],
});
