// The webhook handler's delivery guarantees (issue 9): with an outbox, 200 only once the postbacks are committed;
// without one, never a 2xx for an event still being handled, a time limit on onConversion, and a failed postback
// that reaches Stripe as a 500.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Conversion,
  createDispatcher,
  createWorker,
  memoryDedupe,
  memoryOutbox,
  type OutboxStore,
  stripeWebhookHandler,
} from '../../src/server/index';
import { type Receiver, startReceiver } from './receiver';

const stripe = new Stripe('sk_test_clicktrail');
const secret = 'whsec_test_outbox';

const event = (id: string, session = `cs_${id}`) =>
  JSON.stringify({
    id,
    object: 'event',
    type: 'checkout.session.completed',
    created: 1_700_000_000,
    data: {
      object: {
        id: session,
        amount_total: 4900,
        currency: 'usd',
        payment_status: 'paid',
        client_reference_id: 'clk-1',
      },
    },
  });
const request = (body: string) =>
  new Request('https://shop.example/api/stripe', {
    method: 'POST',
    body,
    headers: { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret }) },
  });

/** A promise with its resolve function, to hold an onConversion open for as long as a test needs. */
const gate = () => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
};

let receiver: Receiver;
let up = true;
beforeAll(async () => {
  receiver = await startReceiver(() => (up ? { status: 200 } : { status: 503 }));
});
afterAll(() => receiver.close());
const rules = () => [
  { id: 'net', url: `${receiver.url}/pb?k=net-{transaction_id}&cid={click_id}&token=s3cret` },
  { id: 'alt', url: `${receiver.url}/alt?k=alt-{transaction_id}` },
];

describe('with an outbox', () => {
  it('answers 200 once the rows are committed, before any postback is sent; the worker sends them', async () => {
    const outbox = memoryOutbox();
    const dispatch = createDispatcher({ rules: rules(), outbox });
    const handler = stripeWebhookHandler({ secret, onConversion: dispatch });
    const res = await handler(request(event('evt_o1')));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    const rows = (await outbox.list()).rows;
    expect(rows.map((r) => [r.rule, r.status])).toEqual([
      ['alt', 'pending'],
      ['net', 'pending'],
    ]);
    expect(receiver.attempts.get('net-cs_evt_o1')).toBeUndefined();
    expect(await createWorker({ outbox, rules: rules() }).deliverDue()).toMatchObject({ delivered: 2 });
    expect(receiver.accepted.get('net-cs_evt_o1')).toBe(1);
  });

  it('a redelivery, even while the first is being handled, answers 200 and adds nothing', async () => {
    const outbox = memoryOutbox();
    const handler = stripeWebhookHandler({
      secret,
      onConversion: createDispatcher({ rules: rules(), outbox }),
    });
    const body = event('evt_o2');
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => handler(request(body)).then((r) => r.status)),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect((await handler(request(body))).status).toBe(200);
    // Another event for the same session (async_payment_succeeded after completed) adds nothing either.
    expect((await handler(request(event('evt_o3', 'cs_evt_o2')))).status).toBe(200);
    expect((await outbox.stats()).pending).toBe(2);
  });

  it('an onConversion that wraps the dispatcher says so with idempotent: true', async () => {
    const outbox = memoryOutbox();
    const dispatch = createDispatcher({ rules: rules(), outbox });
    const seen: string[] = [];
    const handler = stripeWebhookHandler({
      secret,
      idempotent: true,
      onConversion: async (c, e) => {
        seen.push(e.id);
        await dispatch(c);
      },
    });
    const body = event('evt_o6');
    expect(
      await Promise.all([handler(request(body)), handler(request(body))]).then((r) => r.map((x) => x.status)),
    ).toEqual([200, 200]);
    expect(seen).toEqual(['evt_o6', 'evt_o6']);
    expect((await outbox.stats()).pending).toBe(2);
  });

  it('a store that cannot commit answers 500, so Stripe redelivers; the redelivery commits', async () => {
    const inner = memoryOutbox();
    let down = true;
    const outbox: OutboxStore = {
      ...inner,
      enqueue: (rows, now) => (down ? Promise.reject(new Error('disk full')) : inner.enqueue(rows, now)),
    };
    const errors: unknown[] = [];
    const handler = stripeWebhookHandler({
      secret,
      onConversion: createDispatcher({ rules: rules(), outbox }),
      onError: (e) => errors.push(e),
    });
    const body = event('evt_o4');
    const failed = await handler(request(body));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'conversion_failed' });
    expect(String(errors[0])).toContain('disk full');
    down = false;
    expect((await handler(request(body))).status).toBe(200);
    expect((await inner.stats()).pending).toBe(2);
  });

  it('a store that hangs answers 503 after timeoutMs', async () => {
    const hang = gate();
    const outbox: OutboxStore = { ...memoryOutbox(), enqueue: () => hang.opened.then(() => []) };
    const handler = stripeWebhookHandler({
      secret,
      timeoutMs: 50,
      onConversion: createDispatcher({ rules: rules(), outbox }),
    });
    const res = await handler(request(event('evt_o5')));
    expect(res.status).toBe(503);
    hang.open();
  });
});

describe('without an outbox', () => {
  it('a redelivery of an event still being handled gets 409, not 2xx; after it is done, 200 duplicate', async () => {
    const hold = gate();
    const seen: Conversion[] = [];
    const handler = stripeWebhookHandler({
      secret,
      onConversion: async (c) => {
        seen.push(c);
        await hold.opened;
      },
    });
    const body = event('evt_n1');
    const first = handler(request(body));
    const during = await handler(request(body));
    expect(during.status).toBe(409);
    expect(await during.json()).toMatchObject({ error: 'in_progress' });
    hold.open();
    expect((await first).status).toBe(200);
    const after = await handler(request(body));
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ received: true, duplicate: true });
    expect(seen).toHaveLength(1);
  });

  it('when the first run fails, the redelivery Stripe keeps sending is handled', async () => {
    let fail = true;
    const hold = gate();
    const handler = stripeWebhookHandler({
      secret,
      onConversion: async () => {
        await hold.opened;
        if (fail) throw new Error('tracker down');
      },
    });
    const body = event('evt_n2');
    const first = handler(request(body));
    expect((await handler(request(body))).status).toBe(409);
    hold.open();
    expect((await first).status).toBe(500);
    fail = false;
    expect((await handler(request(body))).status).toBe(200);
  });

  it('a hanging onConversion gets 503 after timeoutMs, holds its claim for a while, then lets a redelivery run', async () => {
    let t = 0;
    const dedupe = memoryDedupe({ claimTtlMs: 60_000, now: () => t });
    const hang = gate();
    let calls = 0;
    const errors: { code?: string }[] = [];
    const handler = stripeWebhookHandler({
      secret,
      dedupe,
      timeoutMs: 30,
      onConversion: async () => {
        calls++;
        if (calls === 1) await hang.opened;
      },
      onError: (e) => errors.push(e as { code?: string }),
    });
    const body = event('evt_n3');
    expect((await handler(request(body))).status).toBe(503);
    expect(errors.map((e) => e.code)).toEqual(['webhook_timeout']);
    // Still running: a redelivery must not run it a second time, nor be told 200.
    expect((await handler(request(body))).status).toBe(409);
    // The claim is a lease, not 7 days: once it runs out, the redelivery is handled.
    t = 60_001;
    expect((await handler(request(body))).status).toBe(200);
    expect(calls).toBe(2);
    hang.open();
  });

  it('a dedupe store without status() still answers 409 for an event this process is handling', async () => {
    const inner = memoryDedupe();
    const hold = gate();
    const handler = stripeWebhookHandler({
      secret,
      dedupe: { claim: (k) => inner.claim(k), release: (k) => inner.release(k), done: (k) => inner.done(k) },
      onConversion: () => hold.opened,
    });
    const body = event('evt_n4');
    const first = handler(request(body));
    expect((await handler(request(body))).status).toBe(409);
    hold.open();
    expect((await first).status).toBe(200);
    expect((await handler(request(body))).status).toBe(200);
  });

  it('the documented setup: a postback that fails through every retry answers 500 (throwOnFailure defaults to true)', async () => {
    up = false;
    try {
      const dispatch = createDispatcher({
        rules: rules().slice(0, 1),
        sendOptions: { retries: 1, backoffMs: 1 },
      });
      const handler = stripeWebhookHandler({ secret, onConversion: (c) => dispatch(c) });
      const body = event('evt_n5');
      expect((await handler(request(body))).status).toBe(500);
      up = true;
      // Stripe's redelivery sends it.
      expect((await handler(request(body))).status).toBe(200);
      expect(receiver.accepted.get('net-cs_evt_n5')).toBe(1);
    } finally {
      up = true;
    }
  });
});
