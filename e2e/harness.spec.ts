// The harness itself: what the other specs (and the demo's) rely on.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, url } from './fixtures';

test('every hostname reaches the shop over HTTPS, stand-in hosts get the checkout page', async ({
  page,
  server,
}) => {
  await page.goto(url('any.host.example.co.uk', '/pricing.html'));
  expect(await page.title()).toBe('Pricing · Example Shop');
  expect(page.url()).toBe('https://any.host.example.co.uk/pricing.html');
  await page.goto('https://buy.stripe.com/test_x?client_reference_id=abc');
  await expect(page.locator('#url')).toHaveText('https://buy.stripe.com/test_x?client_reference_id=abc');
  expect(server.recorded('buy.stripe.com').map((r) => r.url)).toContain(
    'https://buy.stripe.com/test_x?client_reference_id=abc',
  );
});

test('a server of your own on localhost stays reachable', async ({ page }) => {
  const own = createServer((_req, res) => res.end('<title>own server</title>'));
  await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = own.address() as AddressInfo;
    await page.goto(`http://localhost:${port}/`);
    expect(await page.title()).toBe('own server');
    await page.goto(`http://127.0.0.1:${port}/`);
    expect(await page.title()).toBe('own server');
  } finally {
    own.closeAllConnections();
    own.close();
  }
});
