// Issue 2 end to end: capture and store the click id in real Chromium, on real hostnames over HTTPS.
import { parseData } from '../src/core/data-cookie';
import {
  clickId,
  cookie,
  cookies,
  cookieValue,
  expect,
  mirror,
  newClickId,
  stripeSeen,
  test,
  url,
} from './fixtures';

const DAY = 86_400;

test.describe('the widest cookie domain the browser accepts', () => {
  test('shop.example.co.uk stores on .example.co.uk and checkout.example.co.uk reads it', async ({
    page,
    context,
  }) => {
    const id = newClickId();
    await page.goto(url('shop.example.co.uk', `/?click_id=${id}&affid=101&campaign=spring`));
    expect(await clickId(page)).toBe(id);

    const idCookie = await cookie(context, 'click_id');
    expect(idCookie?.domain).toBe('.example.co.uk');
    expect(cookieValue(idCookie)).toBe(id);
    expect(idCookie).toMatchObject({ path: '/', secure: true, sameSite: 'Lax' });
    expect(idCookie!.expires).toBeGreaterThan(Date.now() / 1000 + 364 * DAY);
    expect(idCookie!.expires).toBeLessThan(Date.now() / 1000 + 366 * DAY);

    // The data cookie is what server code reads beside the id (documented format, see src/core/data-cookie.ts).
    const dataCookie = await cookie(context, 'click_id_data');
    expect(dataCookie?.domain).toBe('.example.co.uk');
    const data = parseData(cookieValue(dataCookie)!);
    expect(data.src).toBe('click_id');
    expect(data.kept).toEqual({ affid: '101', campaign: 'spring' });
    expect(Math.abs(data.exp - idCookie!.expires)).toBeLessThanOrEqual(2);

    // The probe cookies are gone and nothing landed on co.uk.
    expect((await context.cookies()).map((c) => `${c.name}@${c.domain}`).sort()).toEqual([
      'click_id@.example.co.uk',
      'click_id_data@.example.co.uk',
    ]);
    // The mirror is written once the page is idle.
    await expect
      .poll(() => mirror(page))
      .toMatchObject({
        id,
        src: 'click_id',
        kept: { affid: '101', campaign: 'spring' },
      });

    await page.goto(url('checkout.example.co.uk', '/pricing.html'));
    expect(await clickId(page)).toBe(id);
    expect(await page.evaluate(() => window.clicktrail?.kept())).toEqual({
      affid: '101',
      campaign: 'spring',
    });
    await expect(page.locator('output[data-show="click-id"]')).toHaveText(id);
    // Reading on the other subdomain wrote no second, narrower cookie.
    expect((await cookies(context, 'click_id')).map((c) => c.domain)).toEqual(['.example.co.uk']);
  });

  test('a new click on another subdomain replaces the id for the whole site (last click)', async ({
    page,
    context,
  }) => {
    const first = newClickId('first');
    const second = newClickId('second');
    await page.goto(url('shop.example.co.uk', `/?click_id=${first}`));
    expect(await clickId(page)).toBe(first);
    await page.goto(url('checkout.example.co.uk', `/?affS1=${second}`));
    expect(await clickId(page)).toBe(second);
    await page.goto(url('shop.example.co.uk', '/pricing.html'));
    expect(await clickId(page)).toBe(second);
    const stored = await cookie(context, 'click_id');
    expect(stored?.domain).toBe('.example.co.uk');
    expect(cookieValue(stored)).toBe(second);
    expect(parseData(cookieValue(await cookie(context, 'click_id_data'))!).src).toBe('affS1');
  });

  test('a stale host-only click_id cookie (an old snippet) never shadows a new click', async ({
    page,
    context,
  }) => {
    // Chromium sends the older cookie of a name first, so a host-only one left behind would be read before ours.
    await context.addCookies([{ name: 'click_id', value: 'old-snippet', url: url('shop.example.co.uk') }]);
    const id = newClickId();
    await page.goto(url('shop.example.co.uk', `/?click_id=${id}`));
    expect(await clickId(page)).toBe(id);
    await page.goto(url('shop.example.co.uk', '/pricing.html'));
    expect(await clickId(page)).toBe(id);
    expect((await cookies(context, 'click_id')).map((c) => [c.domain, cookieValue(c)])).toEqual([
      ['.example.co.uk', id],
    ]);
  });

  test('user.github.io keeps it on its own host, never on the github.io public suffix', async ({
    page,
    context,
  }) => {
    const id = newClickId();
    await page.goto(url('user.github.io', `/?click_id=${id}`));
    expect(await clickId(page)).toBe(id);
    const stored = await cookie(context, 'click_id');
    expect(cookieValue(stored)).toBe(id);
    expect(stored?.domain.replace(/^\./, '')).toBe('user.github.io');

    await page.goto(url('user.github.io', '/pricing.html'));
    expect(await clickId(page)).toBe(id);
    // Another user's site on the same public suffix never sees it.
    await page.goto(url('someone-else.github.io', '/'));
    expect(await clickId(page)).toBeUndefined();
  });

  test('a.b.shop.example.test shares it with example.test', async ({ page, context }) => {
    const id = newClickId();
    await page.goto(url('a.b.shop.example.test', `/?click_id=${id}`));
    expect(await clickId(page)).toBe(id);
    expect((await cookie(context, 'click_id'))?.domain).toBe('.example.test');

    for (const host of ['example.test', 'www.example.test']) {
      await page.goto(url(host, '/pricing.html'));
      expect(await clickId(page), host).toBe(id);
    }
    await page.goto(url('example.net', '/'));
    expect(await clickId(page)).toBeUndefined();
  });

  test('clear() removes the cookies from the domain they were written to, and the mirror', async ({
    page,
    context,
  }) => {
    const id = newClickId();
    await page.goto(url('shop.example.co.uk', `/?click_id=${id}&affid=7`));
    expect(await clickId(page)).toBe(id);
    expect(await cookies(context, 'click_id')).toHaveLength(1);

    await page.evaluate(() => window.clicktrail?.clear());
    expect(await page.evaluate(() => window.clicktrail?.clickId())).toBeUndefined();
    expect(await context.cookies()).toEqual([]);
    expect(await mirror(page)).toBeNull();
    await page.goto(url('checkout.example.co.uk', '/'));
    expect(await clickId(page)).toBeUndefined();
  });
});

test.describe('the script tag, however it is loaded', () => {
  test('a plain tag in the footer', async ({ page, context }) => {
    const id = newClickId();
    await page.goto(url('shop.example.test', `/?click_id=${id}`));
    expect(await clickId(page)).toBe(id);
    await expect(page.locator('output[data-show="click-id"]')).toHaveText(id);
    expect((await cookie(context, 'click_id'))?.domain).toBe('.example.test');
  });

  for (const [name, path, shows] of [
    ['with async', '/async.html', '#ready'],
    ['injected by another script, as tag managers do', '/injected.html', 'output[data-show="click-id"]'],
  ] as const) {
    test(`${name}: page code waits for clicktrail:ready`, async ({ page, context }) => {
      const id = newClickId();
      // Hold the script until the page has parsed, so page code really runs first and has to wait for it.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/dist/clicktrail.min.js', async (route) => {
        await held;
        await route.continue();
      });
      await page.goto(url('shop.example.test', `${path}?click_id=${id}&affid=9`), {
        waitUntil: 'domcontentloaded',
      });
      expect(await page.evaluate(() => typeof window.clicktrail)).toBe('undefined');
      expect(await context.cookies()).toEqual([]);

      release();
      await expect(page.locator(shows)).toContainText(id);
      expect(await clickId(page)).toBe(id);
      expect(await page.evaluate(() => window.clicktrail?.kept())).toEqual({ affid: '9' });
      // The tag configured itself from its own data-* attributes: cleaned URL and Stripe links decorated.
      await expect(page).toHaveURL(url('shop.example.test', path));
      await expect(page.locator('#buy-basic')).toHaveAttribute(
        'href',
        `https://buy.stripe.com/test_basic?client_reference_id=${id}`,
      );
      expect((await cookie(context, 'click_id'))?.domain).toBe('.example.test');
    });
  }
});

test('the ESM build inside the single-page app', async ({ page, context, server }) => {
  const id = newClickId();
  await page.goto(url('app.example.test', `/spa/?click_id=${id}&affid=55#/`));
  await expect(page.locator('#spa-click-id')).toHaveText(id);
  expect((await cookie(context, 'click_id'))?.domain).toBe('.example.test');
  await expect.poll(() => mirror(page)).toMatchObject({ id, kept: { affid: '55' } });
  await expect(page).toHaveURL(url('app.example.test', '/spa/#/'));

  // It really is the ESM build (with js-cookie through the import map), not the script tag.
  const paths = server.recorded('app.example.test').map((r) => new URL(r.url).pathname);
  expect(paths).toEqual(expect.arrayContaining(['/dist/index.js', '/vendor/js-cookie.mjs']));
  expect(paths).not.toContain('/dist/clicktrail.min.js');
  expect(await page.evaluate(() => typeof window.clicktrail)).toBe('undefined');

  // A view rendered after client-side navigation gets the id too.
  await page.locator('#nav-pricing').click();
  await expect(page.locator('#spa-buy')).toHaveAttribute(
    'href',
    `https://buy.stripe.com/test_spa?client_reference_id=${id}`,
  );
  await expect
    .poll(async () => (await stripeSeen(page)).filter((s) => s.name === 'spa-buy-button').at(-1)?.ref)
    .toBe(id);
});

test.describe('consent', () => {
  test('data-consent="pending" stores nothing until grantConsent()', async ({ page, context }) => {
    const id = newClickId();
    await page.goto(url('shop.example.test', `/consent.html?click_id=${id}&affid=3`));
    expect(await clickId(page)).toBe(id);
    // Held in memory: links carry it, but no cookie and no localStorage.
    await expect(page.locator('#buy-basic')).toHaveAttribute(
      'href',
      `https://buy.stripe.com/test_basic?client_reference_id=${id}`,
    );
    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);

    await page.locator('#accept').click();
    await expect.poll(async () => cookieValue(await cookie(context, 'click_id'))).toBe(id);
    expect((await cookie(context, 'click_id'))?.domain).toBe('.example.test');
    await expect.poll(() => mirror(page)).toMatchObject({ id, kept: { affid: '3' } });

    await page.goto(url('www.example.test', '/'));
    expect(await clickId(page)).toBe(id);
  });

  test('declining keeps nothing beyond the page', async ({ page, context }) => {
    const id = newClickId();
    await page.goto(url('shop.example.test', `/consent.html?click_id=${id}`));
    expect(await clickId(page)).toBe(id);
    await page.locator('#decline').click();
    await expect(page.locator('#cookie-banner')).toBeHidden();
    expect(await context.cookies()).toEqual([]);
    await page.goto(url('shop.example.test', '/consent.html'));
    expect(await clickId(page)).toBeUndefined();
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });
});

test('clean URLs: the captured params leave the address bar, everything else stays', async ({ page }) => {
  const id = newClickId();
  await page.goto(
    url('shop.example.test', `/?ref=newsletter&click_id=${id}&affid=101&utm_source=mail#offers`),
  );
  expect(await clickId(page)).toBe(id);
  await expect(page).toHaveURL(url('shop.example.test', '/?ref=newsletter&utm_source=mail#offers'));
  expect(await page.evaluate(() => window.clicktrail?.kept())).toEqual({ affid: '101' });
  // Replaced, not pushed: Back leaves the site instead of bringing the click id back into the address bar.
  await page.goBack();
  expect(page.url()).toBe('about:blank');
});
