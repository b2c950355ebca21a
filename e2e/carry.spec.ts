// Issue 3 end to end: the click id reaches checkout. Links are clicked for real and the assertions are on the
// URL Chromium actually requested (buy.stripe.com, pay.example.com… all resolve to the local server).
import type { Page } from '@playwright/test';
import { fromStripeReference } from '../src/core/stripe-ref';
import {
  clickId,
  cookie,
  cookieValue,
  expect,
  followLink,
  lastSeenRef,
  newClickId,
  param,
  stripeSeen,
  test,
  url,
} from './fixtures';

const SHOP = 'shop.example.test';

/** Lands on the shop with a click id (and kept params), so later pages carry it from storage. */
const land = async (page: Page, id: string, extra = '') => {
  await page.goto(url(SHOP, `/?click_id=${encodeURIComponent(id)}${extra}`));
  expect(await clickId(page)).toBe(id);
};

test.describe('Stripe payment links present at load', () => {
  test('are decorated in the HTML and clicked through with client_reference_id', async ({ page, server }) => {
    const id = newClickId();
    await land(page, id);
    await page.goto(url(SHOP, '/pricing.html'));

    const sent = await followLink(page, page.locator('#buy-basic'));
    expect(sent).toBe(`https://buy.stripe.com/test_basic?client_reference_id=${id}`);
    await expect(page.locator('#url')).toHaveText(sent); // the stand-in checkout received it
    expect(server.recorded('buy.stripe.com').map((r) => r.url)).toContain(sent);
  });

  test('keep their other parameters and fragment, and never overwrite an existing reference', async ({
    page,
  }) => {
    const id = newClickId();
    await land(page, id);

    await page.goto(url(SHOP, '/pricing.html'));
    const pro = await followLink(page, page.locator('#buy-pro'));
    expect(pro).toBe(
      `https://buy.stripe.com/test_pro?prefilled_email=jo%40example.com&locale=en-GB&client_reference_id=${id}`,
    );
    expect(page.url()).toBe(`${pro}#plans`);

    await page.goto(url(SHOP, '/pricing.html'));
    expect(await followLink(page, page.locator('#buy-team'))).toBe(
      'https://buy.stripe.com/test_team?client_reference_id=partner-42',
    );
  });

  test('on a Stripe custom domain (data-stripe="pay.example.com")', async ({ page, server }) => {
    const id = newClickId();
    await land(page, id);
    await page.goto(url(SHOP, '/pricing.html'));
    const sent = await followLink(page, page.locator('#buy-custom'));
    expect(sent).toBe(`https://pay.example.com/b/test_cd01?client_reference_id=${id}`);
    expect(server.recorded('pay.example.com').map((r) => r.url)).toContain(sent);
  });

  test('links of other sites, mailto: and every link without a click id are left alone', async ({ page }) => {
    await page.goto(url(SHOP, '/pricing.html'));
    expect(await clickId(page)).toBeUndefined();
    await expect(page.locator('#buy-basic')).toHaveAttribute('href', 'https://buy.stripe.com/test_basic');
    await expect(page.locator('#placeholder-link')).toHaveAttribute('href', /passthrough=--CLICK-ID--/);

    const id = newClickId();
    await land(page, id);
    await page.goto(url(SHOP, '/pricing.html'));
    await expect(page.locator('#buy-basic')).toHaveAttribute('href', /client_reference_id=/);
    await expect(page.locator('#unrelated')).toHaveAttribute('href', 'https://example.org/docs?page=1');
    await expect(page.locator('#mail')).toHaveAttribute(
      'href',
      'mailto:sales@example.co.uk?subject=--CLICK-ID--',
    );
    expect(await followLink(page, page.locator('#unrelated'))).toBe('https://example.org/docs?page=1');
  });
});

test.describe('links inserted or changed after load', () => {
  test('a link whose href changes later', async ({ page }) => {
    const id = newClickId();
    await land(page, id);
    await page.goto(url(SHOP, '/dynamic.html'));
    await expect(page.locator('#plan-link')).toHaveAttribute('href', /test_monthly\?client_reference_id=/);

    await page.locator('#toggle-billing').click();
    await expect(page.locator('#plan-link')).toHaveText('Buy yearly');
    expect(await followLink(page, page.locator('#plan-link'))).toBe(
      `https://buy.stripe.com/test_yearly?client_reference_id=${id}`,
    );

    // And back again: a second change is handled like the first.
    await page.goto(url(SHOP, '/dynamic.html'));
    await page.locator('#toggle-billing').click();
    await page.locator('#toggle-billing').click();
    await expect(page.locator('#plan-link')).toHaveText('Buy monthly');
    expect(await followLink(page, page.locator('#plan-link'))).toBe(
      `https://buy.stripe.com/test_monthly?client_reference_id=${id}`,
    );
  });

  test('a link inserted by a click, and one rendered by a timer after load', async ({ page }) => {
    const id = newClickId();
    await land(page, id);
    await page.goto(url(SHOP, '/dynamic.html'));
    await page.locator('#add-plan').click();
    expect(await followLink(page, page.locator('#buy-enterprise'))).toBe(
      `https://buy.stripe.com/test_enterprise?client_reference_id=${id}`,
    );

    await page.goto(url(SHOP, '/dynamic.html'));
    expect(await followLink(page, page.locator('#buy-late'))).toBe(
      `https://buy.stripe.com/test_late?client_reference_id=${id}`,
    );
  });

  test('a section whose HTML is replaced (placeholder link inside)', async ({ page }) => {
    const id = newClickId();
    await land(page, id);
    await page.goto(url(SHOP, '/dynamic.html'));
    await page.locator('#rerender').click();
    await page.locator('#rerender').click();
    await expect(page.locator('#rendered')).toContainText('Render 2');
    expect(await followLink(page, page.locator('#reseller-link'))).toBe(
      `https://checkout.thirdparty.example/buy?passthrough=${id}&render=2`,
    );
  });

  test('stop() disconnects: links added afterwards go out bare', async ({ page }) => {
    const id = newClickId();
    await land(page, id);
    await page.goto(url(SHOP, '/dynamic.html'));
    await page.evaluate(() => window.clicktrail?.stop());
    await page.locator('#add-plan').click();
    expect(await followLink(page, page.locator('#buy-enterprise'))).toBe(
      'https://buy.stripe.com/test_enterprise',
    );
  });
});

test.describe('Stripe buy button and pricing table', () => {
  test('present in the HTML (already rendered before the snippet ran) end up with the id', async ({
    page,
  }) => {
    const id = newClickId();
    await land(page, id);
    await page.goto(url(SHOP, '/pricing.html'));

    for (const name of ['buy-button', 'pricing-table']) {
      await expect.poll(() => lastSeenRef(page, name), { message: name }).toBe(id);
      await expect(page.locator(`[data-name="${name}"]`)).toHaveAttribute('client-reference-id', id);
      await expect(page.locator(`[data-name="${name}"]`)).toContainText(`client-reference-id: ${id}`);
    }
    // The stand-ins first connected during parsing, without the id: this is the re-render case Stripe needs.
    const seen = await stripeSeen(page);
    expect(seen.find((s) => s.name === 'buy-button')?.ref).toBeNull();
  });

  test('inserted later, by a click and by a timer', async ({ page }) => {
    const id = newClickId();
    await land(page, id);
    await page.goto(url(SHOP, '/dynamic.html'));
    await expect.poll(() => lastSeenRef(page, 'late-buy-button')).toBe(id);
    await page.locator('#add-plan').click();
    await expect.poll(() => lastSeenRef(page, 'added-pricing-table')).toBe(id);
    await expect(page.locator('[data-name="added-pricing-table"]')).toContainText(
      `client-reference-id: ${id}`,
    );
  });
});

test('placeholder links get the URL-encoded id', async ({ page }) => {
  const id = `aff+42/x=y&z`;
  await land(page, id);
  await page.goto(url(SHOP, '/pricing.html'));
  const sent = await followLink(page, page.locator('#placeholder-link'));
  expect(sent).toBe('https://checkout.thirdparty.example/buy?passthrough=aff%2B42%2Fx%3Dy%26z&plan=pro');
  expect(param(sent, 'passthrough')).toBe(id);
  expect(param(sent, 'plan')).toBe('pro');
});

test('a cross-domain hop: shop.example.test → other.example.net, whose own snippet captures it', async ({
  page,
  context,
}) => {
  const id = newClickId();
  await land(page, id, '&affid=101');
  await page.goto(url(SHOP, '/pricing.html'));
  await expect(page.locator('#sister-blog')).toHaveAttribute(
    'href',
    `https://blog.other.example.net/pricing.html?click_id=${id}`,
  );

  const sent = await followLink(page, page.locator('#sister-site'));
  expect(sent).toBe(`https://other.example.net/?from=shop&click_id=${id}`);
  expect(await clickId(page)).toBe(id);
  await expect(page).toHaveURL('https://other.example.net/?from=shop');
  const stored = (await context.cookies())
    .filter((c) => c.name === 'click_id')
    .map((c) => [c.domain, c.value]);
  expect(stored.sort()).toEqual([
    ['.example.net', id],
    ['.example.test', id],
  ]);
  // The other site carries it on to Stripe in turn.
  await page.goto('https://other.example.net/pricing.html');
  expect(await followLink(page, page.locator('#buy-basic'))).toBe(
    `https://buy.stripe.com/test_basic?client_reference_id=${id}`,
  );
});

test('an id Stripe would drop goes to Stripe as a reversible ct64_ reference', async ({ page, context }) => {
  const id = 'aff.42:x/ü~';
  await land(page, id);
  expect(cookieValue(await cookie(context, 'click_id'))).toBe(id);
  await page.goto(url(SHOP, '/pricing.html'));

  // The buy button gets the same reference as the link.
  await expect.poll(() => lastSeenRef(page, 'buy-button')).toMatch(/^ct64_/);
  const elementRef = await lastSeenRef(page, 'buy-button');

  const sent = await followLink(page, page.locator('#buy-basic'));
  const ref = param(sent, 'client_reference_id')!;
  expect(ref).toMatch(/^ct64_[A-Za-z0-9_-]{1,195}$/); // Stripe keeps ^[A-Za-z0-9_-]{1,200}$
  expect(ref).toBe(elementRef);
  expect(fromStripeReference(ref)).toBe(id);

  // Rules that are not Stripe's still carry the id itself.
  await page.goto(url(SHOP, '/pricing.html'));
  expect(param(await followLink(page, page.locator('#placeholder-link')), 'passthrough')).toBe(id);
  await page.goto(url(SHOP, '/pricing.html'));
  expect(param(await followLink(page, page.locator('#sister-site')), 'click_id')).toBe(id);
});

test('a form marked data-clicktrail posts the click id and kept params', async ({ page }) => {
  const id = newClickId();
  await land(page, id, '&affid=101&campaign=spring');
  await page.goto(url(SHOP, '/pricing.html'));
  const sent = await followLink(page, page.locator('#signup button[type="submit"]'));
  expect(new URL(sent).pathname).toBe('/thanks.html');
  expect(Object.fromEntries(new URL(sent).searchParams)).toEqual({
    email: 'jo@example.com',
    click_id: id,
    affid: '101',
    campaign: 'spring',
  });
  await expect(page.locator('#received')).toContainText(id);
});

test('ct.decorate() for code that navigates by itself (SPA checkout button)', async ({ page }) => {
  const id = newClickId();
  await page.goto(url(SHOP, `/spa/?click_id=${id}#/pricing`));
  expect(await followLink(page, page.locator('#spa-checkout'))).toBe(
    `https://buy.stripe.com/test_spa_code?client_reference_id=${id}`,
  );
});
