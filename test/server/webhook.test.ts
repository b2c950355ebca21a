import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Conversion,
  createDispatcher,
  memoryDedupe,
  stripeWebhookHandler,
} from '../../src/server/index';
import { nodeWebhookHandler } from '../../src/server/node';
import { startReceiver } from './receiver';

const stripe = new Stripe('sk_test_clicktrail');
const secret = 'whsec_test_webhook';

const eventBody = (id: string, object: Record<string, unknown> = {}, type = 'checkout.session.completed') =>
  JSON.stringify({
    id,
    object: 'event',
    type,
    created: 1_700_000_000,
    data: {
      object: {
        id: `cs_${id}`,
        amount_total: 4200,
        currency: 'eur',
        payment_status: 'paid',
        client_reference_id: 'clk-9',
        ...object,
      },
    },
  });

const request = (
  body: string,
  header = stripe.webhooks.generateTestHeaderString({ payload: body, secret }),
) =>
  new Request('https://shop.example/api/stripe', {
    method: 'POST',
    body,
    headers: { 'stripe-signature': header, 'content-type': 'application/json' },
  });

describe('stripeWebhookHandler with real Request objects', () => {
  it('handles a conversion once, answers duplicates and ignored events with 200', async () => {
    const seen: Conversion[] = [];
    const handler = stripeWebhookHandler({ secret, onConversion: (c) => void seen.push(c) });
    const body = eventBody('evt_1');
    const first = await handler(request(body));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true });
    expect(seen).toEqual([
      expect.objectContaining({ clickId: 'clk-9', transactionId: 'cs_evt_1', amount: 42, currency: 'EUR' }),
    ]);
    const again = await handler(request(body));
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    const ignored = await handler(request(eventBody('evt_2', {}, 'customer.created')));
    expect(ignored.status).toBe(200);
    expect(await ignored.json()).toEqual({ received: true, ignored: true });
    expect(seen).toHaveLength(1);
  });

  it('answers 400 with the reason for a bad signature, never calling onConversion', async () => {
    let called = 0;
    const errors: unknown[] = [];
    const handler = stripeWebhookHandler({
      secret,
      onConversion: () => void called++,
      onError: (e) => errors.push(e),
    });
    const body = eventBody('evt_3');
    const res = await handler(
      request(body.replace('4200', '1'), stripe.webhooks.generateTestHeaderString({ payload: body, secret })),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'no_match' });
    const missing = await handler(new Request('https://x/', { method: 'POST', body }));
    expect(await missing.json()).toMatchObject({ error: 'header_missing' });
    expect(called).toBe(0);
    expect(errors).toHaveLength(2);
    expect((await handler(new Request('https://x/'))).status).toBe(405);
  });

  it('answers 500 when onConversion fails, and handles Stripe’s redelivery', async () => {
    let attempts = 0;
    const handler = stripeWebhookHandler({
      secret,
      onConversion: async () => {
        if (++attempts === 1) throw new Error('database down');
      },
    });
    const body = eventBody('evt_4');
    expect((await handler(request(body))).status).toBe(500);
    expect((await handler(request(body))).status).toBe(200);
    expect((await handler(request(body))).status).toBe(200);
    expect(attempts).toBe(2);
  });

  it('answers 500 (never rejects) when the dedupe store fails or a signed body is not an event, and retries cleanly', async () => {
    let down = true;
    const released: string[] = [];
    const store = memoryDedupe();
    const handler = stripeWebhookHandler({
      secret,
      onConversion: () => undefined,
      dedupe: {
        claim: async (key) => {
          if (down) throw new Error('redis down');
          return store.claim(key);
        },
        release: async (key) => void released.push(key),
      },
    });
    const body = eventBody('evt_9');
    const failed = await handler(request(body));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'conversion_failed' });
    expect(released).toEqual([]);
    down = false;
    expect((await handler(request(body))).status).toBe(200);
    expect((await handler(request(body))).status).toBe(200);
    expect(await (await handler(request(body))).json()).toEqual({ received: true, duplicate: true });
    expect((await handler(request('null'))).status).toBe(500);
  });

  it('end to end: webhook → dispatcher → postback receiver, once per session across events and redeliveries', async () => {
    const receiver = await startReceiver(() => ({ status: 200 }));
    try {
      const dispatch = createDispatcher({
        rules: [
          {
            id: 'net',
            url: `${receiver.url}/pb?k={transaction_id}&cid={click_id}&sum={amount}&cur={currency}`,
          },
        ],
        throwOnFailure: true,
      });
      const handler = stripeWebhookHandler({ secret, onConversion: (c) => dispatch(c) });
      const completed = eventBody('evt_5');
      const async = eventBody('evt_6', {}, 'checkout.session.async_payment_succeeded').replace(
        'cs_evt_6',
        'cs_evt_5',
      );
      const statuses = await Promise.all(
        [completed, completed, async].map((b) => handler(request(b)).then((r) => r.status)),
      );
      // The redelivery that arrives while the first is handled gets 409 (Stripe retries it; a 200 would stop the
      // retries before the first one's outcome is known); the other event of the same session finds it sent.
      expect(statuses).toEqual([200, 409, 200]);
      expect((await handler(request(completed))).status).toBe(200);
      expect([...receiver.accepted]).toEqual([['cs_evt_5', 1]]);
    } finally {
      await receiver.close();
    }
  });
});

describe('nodeWebhookHandler through a real Node http server', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  const listen = async (handler: (req: IncomingMessage, res: ServerResponse) => unknown) => {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  };

  it('reads the raw body itself and verifies it', async () => {
    const seen: Conversion[] = [];
    const url = await listen(nodeWebhookHandler({ secret, onConversion: (c) => void seen.push(c) }));
    const body = JSON.stringify(
      JSON.parse(eventBody('evt_7', { customer_details: { email: 'zoë@example.com', name: '日本' } })),
      null,
      2,
    );
    const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    const res = await fetch(url, { method: 'POST', body, headers: { 'stripe-signature': header } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    expect(seen[0]).toMatchObject({ email: 'zoë@example.com', transactionId: 'cs_evt_7' });
    const bad = await fetch(url, {
      method: 'POST',
      body: `${body} `,
      headers: { 'stripe-signature': header },
    });
    expect(bad.status).toBe(400);
  });

  it('answers 500 instead of rejecting when the handler throws', async () => {
    const body = eventBody('evt_10');
    const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    const failing = nodeWebhookHandler({
      secret,
      onConversion: () => undefined,
      dedupe: { claim: () => Promise.reject(new Error('store down')), release: async () => {} },
    });
    let rejected: unknown;
    const url = await listen((req, res) =>
      failing(req, res).catch((e) => {
        rejected = e ?? 'rejected';
        res.statusCode = 599;
        res.end();
      }),
    );
    const res = await fetch(url, { method: 'POST', body, headers: { 'stripe-signature': header } });
    expect(res.status).toBe(500);
    expect(rejected).toBeUndefined();
  });

  it('takes the body from express.raw(), and refuses one express.json() already parsed', async () => {
    const body = eventBody('evt_8');
    const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    const seen: string[] = [];
    const handler = nodeWebhookHandler({ secret, onConversion: (c) => void seen.push(c.transactionId) });
    const url = await listen(async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      // Simulate the two Express body parsers: raw() leaves a Buffer, json() an object, both after the stream ended.
      const parsed = req.url?.includes('json');
      Object.assign(req, { body: parsed ? JSON.parse(raw) : Buffer.from(raw) });
      await handler(req, res);
    });
    const raw = await fetch(url, { method: 'POST', body, headers: { 'stripe-signature': header } });
    expect(raw.status).toBe(200);
    const json = await fetch(`${url}?json`, {
      method: 'POST',
      body,
      headers: { 'stripe-signature': header },
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({
      error: 'raw_body',
      message: expect.stringMatching(/express\.raw/),
    });
    expect(seen).toEqual(['cs_evt_8']);
  });
});
