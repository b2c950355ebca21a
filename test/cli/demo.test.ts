import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkoutCompleted,
  signatureHeader,
  stripeReference,
} from '../../examples/demo/lib/stripe-event.mjs';
import { DEMO_WEBHOOK_SECRET, type Demo, startDemo } from '../../examples/demo/start.mjs';
import { isValidClickId } from '../../src/core/click';
import { toStripeReference } from '../../src/core/stripe-ref';

const stripe = new Stripe('sk_test_demo');

describe('the demo signs and shapes events as Stripe does', () => {
  it('produces the header stripe-node generates, which stripe-node accepts', () => {
    const body = JSON.stringify(
      checkoutCompleted({ clientReferenceId: 'abc', amountTotal: 100, currency: 'usd', email: 'a@b.c' }),
      null,
      2,
    );
    const header = signatureHeader(body, DEMO_WEBHOOK_SECRET, 1_790_000_000);
    expect(header).toBe(
      stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: DEMO_WEBHOOK_SECRET,
        timestamp: 1_790_000_000,
      }),
    );
    const now = signatureHeader(body, DEMO_WEBHOOK_SECRET);
    expect(stripe.webhooks.constructEvent(body, now, DEMO_WEBHOOK_SECRET).type).toBe(
      'checkout.session.completed',
    );
  });

  it('hands Stripe the same client_reference_id as the browser side, for any click id', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }).filter(isValidClickId), (id) => {
        expect(stripeReference(id)).toBe(toStripeReference(id) ?? null);
      }),
    );
  });
});

/** A raw GET (fetch would normalise `..` and percent-encoded dots away). */
const rawGet = (url: string, path: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    request({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });

describe('startDemo (over HTTP, no browser)', () => {
  let demo: Demo;
  const lines: string[] = [];
  // Each demo gets its own outbox file (npm start's is .clicktrail/demo.db).
  const dir = mkdtempSync(join(tmpdir(), 'clicktrail-demo-'));
  // The browser writes these two cookies (js-cookie encoding); the click id is hostile on purpose.
  const clickId = 'e2e+ü&x=1<img>';
  const cookie = `click_id=${encodeURIComponent(clickId)}; click_id_data=${encodeURIComponent('ct_src=click_id&ct_exp=4102444800&affid=101')}`;
  const purchase = (headers: Record<string, string>, body = '{}') =>
    fetch(new URL('/demo/purchase', demo.urls.site), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  beforeAll(async () => {
    demo = await startDemo({ port: 0, db: join(dir, 'demo.db'), log: (line) => lines.push(line) });
  });
  afterAll(async () => {
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the URLs to open, the landing one with a click id', () => {
    expect(lines[0]).toContain('clicktrail demo running');
    expect(lines[0]).toContain(`http://localhost:${demo.port}/?click_id=demo123`);
    expect(lines[0]).toContain(demo.urls.report);
    expect(lines[0]).toMatch(
      /postback outbox \(SQLite\) +\S*demo\.db +\(npx clicktrail log --db \S*demo\.db\)/,
    );
    expect(lines[0]).not.toContain(DEMO_WEBHOOK_SECRET);
  });

  it('serves the shop, the bundles and the demo pages, and nothing outside them', async () => {
    for (const path of [
      '/',
      '/pricing.html',
      '/dynamic.html',
      '/spa/',
      '/dist/index.js',
      '/dist/clicktrail.min.js',
      '/demo/',
      '/vendor/js-cookie.mjs',
    ]) {
      expect((await fetch(new URL(path, demo.urls.site))).status, path).toBe(200);
    }
    expect(await rawGet(demo.urls.site, '/demo/../../../package.json')).toBe(404);
    expect(await rawGet(demo.urls.site, '/dist/%2e%2e/package.json')).toBe(404);
    expect(await rawGet(demo.urls.site, '/vendor/js-cookie.mjs/../../../../package.json')).toBe(404);
  });

  it('refuses to simulate a purchase without a click id cookie, or from a form post', async () => {
    const none = await purchase({});
    expect(none.status).toBe(409);
    expect((await none.json()).error).toContain('land with ?click_id=demo123 first');
    const form = await fetch(new URL('/demo/purchase', demo.urls.site), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: 'amount_total=1',
    });
    expect(form.status).toBe(405);
    expect(demo.state.tracker.records).toHaveLength(0);
  });

  it('turns a simulated purchase into one postback per rule, received by the tracker with the exact click id', async () => {
    const response = await purchase({ cookie }, JSON.stringify({ amount_total: 1999, currency: 'eur' }));
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer.clickId).toBe(clickId);
    expect(answer.clientReferenceId).toBe(toStripeReference(clickId));
    expect(answer.webhook.status).toBe(200);
    expect(answer.postbacks.map((p: { rule: string; ok: boolean }) => [p.rule, p.ok])).toEqual([
      ['tracknow', true],
      ['trackdesk', true],
      ['s2s-post', true],
    ]);
    const byPath = Object.fromEntries(demo.state.tracker.records.map((r) => [r.path, r]));
    expect(Object.keys(byPath).sort()).toEqual([
      '/s2s/conversion',
      '/trackdesk/postback',
      '/tracknow/postback',
    ]);
    const encoded = 'e2e%2B%C3%BC%26x%3D1%3Cimg%3E';
    expect(byPath['/tracknow/postback'].rawQuery).toBe(
      `click_id=${encoded}&campaign_id=1&order_id=${answer.event.session}&amount=19.99&email=jane.doe%2Bdemo%40example.com`,
    );
    expect(byPath['/trackdesk/postback'].rawQuery).toBe(
      `clickid=${encoded}&amount=19.99&currency=EUR&order=${answer.event.session}&event=sale&source=shop`,
    );
    const post = byPath['/s2s/conversion'];
    expect([post.method, post.contentType, post.rawQuery]).toEqual([
      'POST',
      'application/x-www-form-urlencoded',
      '',
    ]);
    expect(Object.fromEntries(post.bodyParams)).toMatchObject({
      click_id: clickId,
      amount: '19.99',
      currency: 'EUR',
    });
  });

  it('lists every postback on the report page (the outbox), and what the tracker received, escaped', async () => {
    const html = await (await fetch(demo.urls.report)).text();
    expect(html.match(/<tr data-id="\d+" class="row-delivered">/g)).toHaveLength(3);
    for (const rule of ['tracknow', 'trackdesk', 's2s-post']) expect(html).toContain(`<td>${rule}</td>`);
    expect(html).toContain('e2e+ü&amp;x=1&lt;img&gt;');
    expect(html).not.toContain('<img>');
    const received = await (await fetch(demo.urls.received)).text();
    expect(received).toContain('Received by the stand-in tracker (3)');
    expect(received).not.toContain('<img>');
  });

  it('sends nothing again when Stripe redelivers the same event, and nothing for a forged one', async () => {
    const event = checkoutCompleted({
      clientReferenceId: 'redelivered',
      amountTotal: 500,
      currency: 'usd',
      email: 'r@example.com',
    });
    const body = JSON.stringify(event, null, 2);
    const post = (signature: string) =>
      fetch(demo.urls.webhook, { method: 'POST', headers: { 'stripe-signature': signature }, body });
    const session = event.data.object.id;
    const delivered = async () =>
      (await demo.state.outbox.list({ transactionId: session })).rows.filter((r) => r.status === 'delivered')
        .length;
    const before = demo.state.tracker.records.length;
    expect((await post(signatureHeader(body, DEMO_WEBHOOK_SECRET))).status).toBe(200);
    // The 200 means committed; the worker delivers right after.
    while ((await delivered()) < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(demo.state.tracker.records.length).toBe(before + 3);
    const again = await post(signatureHeader(body, DEMO_WEBHOOK_SECRET));
    expect(await again.json()).toEqual({ received: true });
    const forged = await post(signatureHeader(body, 'whsec_not_the_demo_secret'));
    expect(forged.status).toBe(400);
    expect((await demo.state.outbox.list({ transactionId: session })).rows).toHaveLength(3);
    expect(await demo.state.worker.deliverDue()).toMatchObject({ claimed: 0 });
    expect(demo.state.tracker.records.length).toBe(before + 3);
  });

  it('stops every server on close()', async () => {
    const running = await startDemo({ port: 0, db: join(dir, 'closed.db'), log: () => undefined });
    await running.close();
    for (const url of [running.urls.site, running.urls.webhook, running.urls.tracker]) {
      await expect(fetch(url)).rejects.toThrow();
    }
  });
});
