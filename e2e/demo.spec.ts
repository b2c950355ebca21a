// The whole flow `npm start` shows, in Debian Chromium over HTTPS on real hostnames: land with a click id, carry it
// to Stripe on another subdomain, simulate the purchase, and check what the stand-in tracker received.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { type Demo, startDemo } from '../examples/demo/start.mjs';
import { encode } from '../src/core/encode';
import { toStripeReference } from '../src/core/stripe-ref';
import { clickId, cookie, cookieValue, lastSeenRef, newClickId } from './fixtures';
import { certificate } from './server.mjs';

// One demo per worker, served over HTTPS with the e2e certificate; Chromium resolves every hostname to it.
const test = base.extend<object, { demo: Demo }>({
  demo: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern.
    async ({}, use) => {
      // Each worker's demo has its own outbox file.
      const dir = mkdtempSync(join(tmpdir(), 'clicktrail-e2e-demo-'));
      const demo = await startDemo({
        port: 0,
        https: await certificate(),
        db: join(dir, 'demo.db'),
        log: () => undefined,
      });
      await use(demo);
      await demo.close();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  launchOptions: [
    async ({ launchOptions, demo }, use) => {
      const args = (launchOptions.args ?? []).filter((a) => !a.startsWith('--host-resolver-rules'));
      await use({ ...launchOptions, args: [...args, `--host-resolver-rules=MAP * 127.0.0.1:${demo.port}`] });
    },
    { scope: 'worker' },
  ],
});

test('npm start flow: landing → pricing on another subdomain → simulated Stripe purchase → one postback per rule', async ({
  page,
  context,
  demo,
}) => {
  // Characters a postback must encode, and an attempt to smuggle in a second parameter.
  const id = `${newClickId('demo')}+ü&amount=0`;

  await page.goto(`https://shop.example.test/?click_id=${encodeURIComponent(id)}&affid=101`);
  expect(await clickId(page)).toBe(id);
  const stored = await cookie(context, 'click_id');
  expect(stored?.domain).toBe('.example.test');
  expect(cookieValue(stored)).toBe(id);

  // Another subdomain reads the same cookie and decorates every Stripe entry point with the id.
  await page.goto('https://www.example.test/pricing.html');
  expect(await clickId(page)).toBe(id);
  const ref = toStripeReference(id) as string;
  expect(ref).toMatch(/^ct64_/);
  await expect(page.locator('#buy-basic')).toHaveAttribute(
    'href',
    `https://buy.stripe.com/test_basic?client_reference_id=${ref}`,
  );
  expect(await lastSeenRef(page, 'buy-button')).toBe(ref);

  // Stripe cannot run offline: the demo page builds and signs the checkout.session.completed Stripe would send.
  await page.goto('https://www.example.test/demo/');
  await expect(page.locator('#click-id')).toHaveText(id);
  await page.locator('#simulate').click();
  await expect(page.locator('#result')).toBeVisible();
  await expect(page.locator('#postbacks tbody tr')).toHaveCount(3);
  await expect(page.locator('#summary')).toContainText(`client_reference_id ${ref}`);

  // The tracker received exactly one postback per rule, with the id intact (encoded once) and the amount in major units.
  const mine = demo.state.tracker.records.filter((r) =>
    [...r.query, ...r.bodyParams].some(([k, v]) => (k === 'click_id' || k === 'clickid') && v === id),
  );
  expect(mine.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
    'GET /trackdesk/postback',
    'GET /tracknow/postback',
    'POST /s2s/conversion',
  ]);
  const byPath = Object.fromEntries(mine.map((r) => [r.path, r]));
  const session = (await demo.state.outbox.list({ clickId: id })).rows[0]?.transactionId as string;
  expect(byPath['/tracknow/postback'].rawQuery).toBe(
    `click_id=${encode(id)}&campaign_id=1&order_id=${session}&amount=49&email=jane.doe%2Bdemo%40example.com`,
  );
  expect(byPath['/trackdesk/postback'].rawQuery).toBe(
    `clickid=${encode(id)}&amount=49&currency=USD&order=${session}&event=sale&source=shop`,
  );
  const post = byPath['/s2s/conversion'];
  expect(post.contentType).toBe('application/x-www-form-urlencoded');
  expect(post.body).toBe(
    `click_id=${encode(id)}&transaction_id=${session}&amount=49&currency=USD&email=jane.doe%2Bdemo%40example.com`,
  );
  // The smuggled `&amount=0` stayed inside the click id: each request has exactly one amount.
  for (const r of mine)
    expect([...r.query, ...r.bodyParams].filter(([k]) => k === 'amount')).toEqual([['amount', '49']]);

  // The report page (the library's postbackReport over the SQLite outbox) lists the postbacks, delivered.
  await page.goto('https://www.example.test/demo/report');
  const sent = page.locator('#postbacks tbody tr', { hasText: session });
  await expect(sent).toHaveCount(3);
  for (const rule of ['tracknow', 'trackdesk', 's2s-post']) {
    await expect(sent.filter({ has: page.locator('td', { hasText: new RegExp(`^${rule}$`) }) })).toHaveCount(
      1,
    );
  }
  await expect(sent.locator('.status.delivered')).toHaveCount(3);
  await expect(sent.first()).toContainText(id);
  // Filtered by status, and one postback's page with its attempt.
  await page.locator('select[name=status]').selectOption('delivered');
  await page.locator('input[name=transaction_id]').fill(session);
  await page.getByRole('button', { name: 'filter' }).click();
  await expect(page.locator('#postbacks tbody tr')).toHaveCount(3);
  await page.locator('#postbacks tbody tr').first().locator('a').first().click();
  await expect(page.locator('#attempts tbody tr')).toHaveCount(1);
  await expect(page.locator('#attempts tbody tr')).toContainText('delivered');
  // What arrived, on the tracker's side.
  await page.goto('https://www.example.test/demo/received');
  await expect(page.locator('#received tbody tr', { hasText: session })).toHaveCount(3);
});

test('the demo reads in a 1,100 px window: its steps link to each other, the pricing page shows the decorated hrefs, a favicon', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1100, height: 800 });
  const fits = async () =>
    page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  const steps = ['/?click_id=demo123', '/pricing.html', '/demo/', '/demo/report'];
  const id = newClickId('fit');

  await page.goto(`https://shop.example.test/?click_id=${id}`);
  expect(
    await page.locator('.demo-steps a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
  ).toEqual(steps);
  expect(await fits()).toBe(true);

  await page.goto('https://shop.example.test/pricing.html');
  expect(
    await page.locator('.demo-steps a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
  ).toEqual(steps);
  // Each link's href, as the page has it now: decorated where a rule applies, untouched elsewhere.
  await expect(page.locator('[data-href-of="buy-basic"]')).toHaveText(
    `https://buy.stripe.com/test_basic?client_reference_id=${id}`,
  );
  await expect(page.locator('[data-href-of="sister-site"]')).toHaveText(
    `https://other.example.net/?from=shop&click_id=${id}`,
  );
  await expect(page.locator('[data-href-of="unrelated"]')).toHaveText('https://example.org/docs?page=1');
  await expect(page.locator('.next a')).toHaveAttribute('href', '/demo/');
  expect(await fits()).toBe(true);

  // The simulated purchase's table holds three long URLs: they wrap instead of widening the page.
  await page.goto('https://shop.example.test/demo/');
  await page.locator('#simulate').click();
  await expect(page.locator('#postbacks tbody tr')).toHaveCount(3);
  expect(await fits()).toBe(true);
  await page.goto('https://shop.example.test/demo/report');
  expect(await fits()).toBe(true);

  // Browsers ask every site for /favicon.ico: the demo answers with an icon, not a 404 in the console. (Asked from a
  // shop page: the report page's content security policy allows it no fetch.)
  await page.goto('https://shop.example.test/pricing.html');
  const icon = await page.evaluate(async () => {
    const response = await fetch('/favicon.ico');
    const bytes = new Uint8Array(await response.arrayBuffer());
    return [response.status, response.headers.get('content-type'), [...bytes.subarray(0, 4)]];
  });
  expect(icon).toEqual([200, 'image/x-icon', [0, 0, 1, 0]]); // an ICO header
});
