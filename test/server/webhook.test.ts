import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

const sign = (payload: string) => stripe.webhooks.generateTestHeaderString({ payload, secret });

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

  it('answers 500 (never rejects) when the dedupe store fails, and retries cleanly', async () => {
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

  it('answers 413 to a body over maxBodyBytes and 408 to one that stalls past bodyTimeoutMs', async () => {
    const url = await listen(
      nodeWebhookHandler({ secret, onConversion: () => undefined, maxBodyBytes: 1000, bodyTimeoutMs: 100 }),
    );
    const big = await fetch(url, {
      method: 'POST',
      body: 'x'.repeat(5000),
      headers: { 'stripe-signature': 't=1,v1=00' },
    });
    expect(big.status).toBe(413);
    // A client that sends part of its body and then nothing: answered, not waited for forever.
    const stalled = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: 'POST', headers: { 'content-length': '500', 'stripe-signature': 't=1,v1=00' } },
        async (res) => {
          let body = '';
          for await (const chunk of res) body += chunk;
          resolve({ status: res.statusCode, body });
        },
      );
      req.on('error', reject);
      req.write('{"id":');
    });
    expect(stalled.status).toBe(408);
    expect(JSON.parse(stalled.body)).toEqual({ error: 'body_timeout' });
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

/** A request whose body is a stream made on demand by `next` (counted), endless or stalling as `next` says. */
const streamed = (
  headers: Record<string, string>,
  next: (pull: number) => Uint8Array | 'end' | 'stall',
): { request: Request; pulled: () => number; cancelled: () => boolean } => {
  let pulls = 0;
  let bytes = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = next(pulls++);
        if (chunk === 'stall') return new Promise<void>(() => {});
        if (chunk === 'end') return controller.close();
        bytes += chunk.length;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
      // Nothing is produced until someone reads: `pulled` counts what the handler asked for.
    },
    { highWaterMark: 0 },
  );
  const init = { method: 'POST', headers, body, duplex: 'half' } as RequestInit;
  return {
    request: new Request('https://shop.example/api/stripe', init),
    pulled: () => bytes,
    cancelled: () => cancelled,
  };
};

describe('stripeWebhookHandler against hostile requests and bad configuration', () => {
  const onConversion = () => undefined;

  it('an onError that rejects (or throws) never becomes an unhandled rejection; the caller still gets its 400', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const rejecting = stripeWebhookHandler({
        secret,
        onConversion,
        onError: async () => {
          throw new Error('logger down');
        },
      });
      const throwing = stripeWebhookHandler({
        secret,
        onConversion,
        onError: () => {
          throw new Error('logger down');
        },
      });
      for (const handler of [rejecting, throwing]) {
        const res = await handler(request(eventBody('evt_e1'), 't=1,v1=00'));
        expect(res.status).toBe(400);
      }
      // Node reports unhandled rejections once the microtask queue has drained: one macrotask later.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('answers a request without a Stripe-Signature header before reading (or hashing) its body', async () => {
    const { request: req, pulled } = streamed({}, () => new Uint8Array(64 * 1024));
    const res = await stripeWebhookHandler({ secret, onConversion })(req);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'header_missing' });
    expect(pulled()).toBe(0);
  });

  it('answers 413 to an endless body once it passes maxBodyBytes, and stops reading it', async () => {
    const errors: unknown[] = [];
    const {
      request: req,
      pulled,
      cancelled,
    } = streamed({ 'stripe-signature': `t=1,v1=${'0'.repeat(64)}` }, () => new Uint8Array(16 * 1024));
    const res = await stripeWebhookHandler({
      secret,
      onConversion,
      maxBodyBytes: 100_000,
      onError: (e) => void errors.push(e),
    })(req);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error: 'too_large',
      message: expect.stringMatching(/maxBodyBytes/),
    });
    expect(pulled()).toBeLessThanOrEqual(100_000 + 16 * 1024 * 2);
    expect(cancelled()).toBe(true);
    expect(errors).toEqual([expect.objectContaining({ code: 'too_large' })]);
  });

  it('answers 413 to a declared Content-Length over the limit without reading anything', async () => {
    const { request: req, pulled } = streamed(
      { 'stripe-signature': `t=1,v1=${'0'.repeat(64)}`, 'content-length': String(2 << 20) },
      () => new Uint8Array(1024),
    );
    const res = await stripeWebhookHandler({ secret, onConversion })(req);
    expect(res.status).toBe(413);
    expect(pulled()).toBe(0);
  });

  it('answers 408 when the body does not arrive within bodyTimeoutMs', async () => {
    const { request: req, cancelled } = streamed({ 'stripe-signature': `t=1,v1=${'0'.repeat(64)}` }, (n) =>
      n === 0 ? new TextEncoder().encode('{"id":') : 'stall',
    );
    const res = await stripeWebhookHandler({ secret, onConversion, bodyTimeoutMs: 50 })(req);
    expect(res.status).toBe(408);
    expect(await res.json()).toMatchObject({ error: 'body_timeout' });
    expect(cancelled()).toBe(true);
  });

  it('accepts a signed body up to the 1 MiB default and refuses one byte more', async () => {
    const seen: string[] = [];
    const handler = stripeWebhookHandler({ secret, onConversion: (c) => void seen.push(c.transactionId) });
    const sized = (id: string, size: number) => {
      const base = eventBody(id, { metadata: { pad: '' } });
      return base.replace('"pad":""', `"pad":"${'x'.repeat(size - base.length)}"`);
    };
    const exact = sized('evt_big1', 1 << 20);
    expect(new TextEncoder().encode(exact).length).toBe(1 << 20);
    expect((await handler(request(exact))).status).toBe(200);
    const over = sized('evt_big2', (1 << 20) + 1);
    expect((await handler(request(over))).status).toBe(413);
    expect(seen).toEqual(['cs_evt_big1']);
  });

  it('answers 400 stripe_payload (not 500) to a validly signed body that is not a JSON event', async () => {
    let called = 0;
    const handler = stripeWebhookHandler({ secret, onConversion: () => void called++ });
    for (const body of ['null', 'not json', '[]', '"evt"']) {
      const res = await handler(request(body));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'stripe_payload' });
    }
    expect(called).toBe(0);
  });

  it('handles signed events without an id once per session, never taking distinct sessions for duplicates', async () => {
    const seen: string[] = [];
    const handler = stripeWebhookHandler({ secret, onConversion: (c) => void seen.push(c.transactionId) });
    const anonymous = (session: string) => {
      const event = JSON.parse(eventBody('x', { id: session }));
      delete event.id;
      return JSON.stringify(event);
    };
    for (const body of [anonymous('cs_a'), anonymous('cs_b'), anonymous('cs_a')])
      expect((await handler(request(body))).status).toBe(200);
    expect(seen).toEqual(['cs_a', 'cs_b']);
  });

  it('says a missing secret once, when the handler is created, and answers every webhook 500 without reading it', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const handler = stripeWebhookHandler({ secret: undefined, onConversion });
      expect(printed).toHaveBeenCalledTimes(1);
      expect(String(printed.mock.calls[0]?.[0])).toMatch(/STRIPE_WEBHOOK_SECRET.*500/s);
      for (let i = 0; i < 3; i++) {
        const { request: req, pulled } = streamed(
          { 'stripe-signature': sign('{}') },
          () => new Uint8Array(8),
        );
        const res = await handler(req);
        expect(res.status).toBe(500);
        expect(await res.json()).toEqual({ error: 'configuration' });
        expect(pulled()).toBe(0);
      }
      expect(printed).toHaveBeenCalledTimes(1);
      // With an onError, it is told instead (once), and nothing is printed.
      const told: unknown[] = [];
      stripeWebhookHandler({ secret: ' ', onConversion, onError: (e) => void told.push(e) });
      expect(told).toEqual([expect.objectContaining({ code: 'stripe_secret' })]);
      expect(printed).toHaveBeenCalledTimes(1);
    } finally {
      printed.mockRestore();
    }
  });

  it('refuses options that cannot work when the handler is created, naming the option', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ onConversion: undefined }, /onConversion must be a function/],
      [{ toleranceSeconds: Number.NaN }, /toleranceSeconds/],
      [{ toleranceSeconds: -5 }, /toleranceSeconds/],
      [{ maxBodyBytes: 0 }, /maxBodyBytes/],
      [{ maxBodyBytes: Number.POSITIVE_INFINITY }, /maxBodyBytes/],
      [{ bodyTimeoutMs: Number.NaN }, /bodyTimeoutMs/],
      [{ dedupe: {} }, /dedupe must be a DedupeStore/],
      [{ onError: 'log' }, /onError must be a function/],
      [{ metadataKey: '' }, /metadataKey/],
    ];
    for (const [options, message] of bad)
      expect(() => stripeWebhookHandler({ secret, onConversion, ...options } as never)).toThrow(
        expect.objectContaining({ code: 'invalid_option', message: expect.stringMatching(message) }),
      );
  });

  it("answers 200 when the conversion was handled but the dedupe store's done() fails, and reports it", async () => {
    const errors: unknown[] = [];
    const store = memoryDedupe();
    let handled = 0;
    const handler = stripeWebhookHandler({
      secret,
      onConversion: () => void handled++,
      onError: (e) => void errors.push(e),
      dedupe: { ...store, done: async () => Promise.reject(new Error('redis down')) },
    });
    expect((await handler(request(eventBody('evt_done')))).status).toBe(200);
    expect(handled).toBe(1);
    expect(errors).toEqual([expect.objectContaining({ message: 'redis down' })]);
  });
});
