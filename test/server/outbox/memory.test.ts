import { describe, expect, it } from 'vitest';
import type { AttemptRecord, ClaimOptions, OutboxStore, PruneOptions } from '../../../src/server';
import { OutboxError } from '../../../src/server/outbox/errors';
import { memoryOutbox } from '../../../src/server/outbox/memory';
import { createWorker } from '../../../src/server/outbox/worker';
import { firstAttempt, heldFetch, newRow, outboxSuite, T0, waitUntil } from './suite';

outboxSuite('memory outbox', async () => memoryOutbox());

describe('memoryOutbox', () => {
  it('says it is not durable', () => {
    expect(memoryOutbox()).toMatchObject({ kind: 'memory', durable: false });
  });

  it('makes room past maxRows by dropping the oldest finished rows only', async () => {
    const store = memoryOutbox({ maxRows: 2 });
    const [a] = await store.enqueue([newRow({ status: 'skipped', error: 'x' })], T0);
    await store.enqueue([newRow(), newRow()], T0);
    expect(await store.get(a?.row.id as number)).toBeUndefined();
    // Pending rows are never dropped, even past the cap: losing them would lose postbacks.
    await store.enqueue([newRow()], T0);
    expect((await store.stats()).pending).toBe(3);
  });
});

describe('a store of your own', () => {
  it('is typed from clicktrail/server alone: here, one that wraps another and counts what it is asked', async () => {
    const inner = memoryOutbox();
    const calls: string[] = [];
    const counting: OutboxStore = {
      ...inner,
      claim: (options: ClaimOptions) => {
        calls.push(`claim ${options.owner}`);
        return inner.claim(options);
      },
      finish: (results: readonly AttemptRecord[], now: number) => {
        calls.push(`finish ${results.length}`);
        return inner.finish(results, now);
      },
      prune: (options: PruneOptions) => {
        calls.push('prune');
        return inner.prune(options);
      },
    };
    await counting.enqueue([newRow()], T0);
    const worker = createWorker({
      outbox: counting,
      rules: [{ id: 'r1', url: 'https://t.example/pb?c={click_id}' }],
      owner: 'w',
      now: () => T0,
      sendOptions: { fetch: async () => new Response(null, { status: 204 }) },
    });
    expect(await worker.deliverDue()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(calls).toEqual(['prune', 'claim w', 'finish 1']);
  });
});

describe('createWorker', () => {
  const rules = [{ id: 'r1', url: 'https://t.example/pb?c={click_id}' }];

  it('refuses a store that cannot lease rows: a second worker on it would send twice', () => {
    const dedupeLike = { claim: async () => true, release: async () => undefined } as unknown as OutboxStore;
    expect(() => createWorker({ outbox: dedupeLike, rules })).toThrow(
      expect.objectContaining({ code: 'outbox_worker', message: expect.stringMatching(/cannot lease rows/) }),
    );
  });

  it('checks its options', () => {
    const outbox = memoryOutbox();
    expect(() => createWorker({ outbox, rules: [...rules, ...rules] })).toThrow(/unique/);
    expect(() => createWorker({ outbox, rules, concurrency: 0 })).toThrow(OutboxError);
    expect(() => createWorker({ outbox, rules, leaseMs: Number.NaN })).toThrow(/leaseMs/);
    expect(() => createWorker({ outbox, rules, concurrency: 2.5 })).toThrow(
      /concurrency must be a whole number/,
    );
    for (const retry of [
      { schedule: [1000, Number.NaN] },
      { schedule: [-5] },
      { schedule: '5000' as unknown as number[] },
      { jitter: 2 },
      { jitter: -0.1 },
      { maxRetryAfterMs: Number.POSITIVE_INFINITY },
    ])
      expect(() => createWorker({ outbox, rules, retry }), JSON.stringify(retry)).toThrow(
        expect.objectContaining({ code: 'outbox_options', message: expect.stringMatching(/^retry\./) }),
      );
  });

  it('prunes delivered rows past their retention, at most once an hour, and keeps failed ones', async () => {
    const outbox = memoryOutbox();
    let t = T0;
    const [old, failed] = await outbox.enqueue([newRow(), newRow()], t);
    await outbox.claim({ owner: 'x', now: t, leaseMs: 1000, limit: 2, rules: ['r1'] });
    await outbox.finish(
      [
        firstAttempt(old?.row.id as number, 'x', 'delivered', t),
        firstAttempt(failed?.row.id as number, 'x', 'failed', t),
      ],
      t,
    );
    const worker = createWorker({ outbox, rules, now: () => t, retention: { deliveredMs: 86_400_000 } });
    t += 86_400_001;
    await worker.deliverDue();
    expect(await outbox.get(old?.row.id as number)).toBeUndefined();
    expect(await outbox.get(failed?.row.id as number)).toBeDefined();
  });

  it('deliverDue: a claim that fails lets the sends in flight finish and record, then rejects', async () => {
    const inner = memoryOutbox();
    await inner.enqueue([newRow(), newRow(), newRow()], T0);
    let claims = 0;
    const flaky: OutboxStore = {
      ...inner,
      claim: (options) => {
        if (++claims === 2) return Promise.reject(new OutboxError('outbox_query', 'the database went away'));
        return inner.claim(options);
      },
    };
    const tracker = heldFetch();
    const events: string[] = [];
    const worker = createWorker({
      outbox: flaky,
      rules,
      concurrency: 2,
      now: () => T0,
      sendOptions: { fetch: tracker.fetch },
      onAttempt: (e) => events.push(`${e.status} ${e.recorded}`),
    });
    const done = worker.deliverDue().then(
      () => events.push('resolved'),
      (e) => events.push(`rejected: ${e.message}`),
    );
    await waitUntil(() => tracker.held.length === 2, 'two sends');
    tracker.held[0]?.answer(200);
    // The slot it frees makes the worker claim again: that claim fails while the other send is still out.
    await waitUntil(() => claims === 2, 'the failing claim');
    tracker.held[1]?.answer(200);
    await done;
    expect(events).toEqual(['delivered true', 'delivered true', 'rejected: the database went away']);
    expect((await inner.stats()).delivered).toBe(2);
  });

  it('a store closed while a send is out: the attempt is given up at once, not retried for the whole lease', async () => {
    const outbox = memoryOutbox();
    await outbox.enqueue([newRow()], T0);
    const tracker = heldFetch();
    const errors: unknown[] = [];
    const worker = createWorker({
      outbox,
      rules,
      now: () => T0,
      leaseMs: 3_600_000,
      sendOptions: { fetch: tracker.fetch },
      onError: (e) => errors.push(e),
    });
    const done = worker.deliverDue();
    await waitUntil(() => tracker.held.length === 1, 'the send');
    await outbox.close();
    tracker.held[0]?.answer(200);
    // Within the test's 5 s: recording is not retried against a store that will not come back.
    expect(await done).toMatchObject({ claimed: 1, delivered: 0 });
    expect(errors).toEqual([expect.objectContaining({ code: 'outbox_closed' })]);
  });

  it('its loop ends when the store is closed', async () => {
    const outbox = memoryOutbox();
    const errors: unknown[] = [];
    const worker = createWorker({ outbox, rules, pollIntervalMs: 5, onError: (e) => errors.push(e) });
    await outbox.close();
    worker.start();
    while (worker.running) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e instanceof OutboxError && e.code === 'outbox_closed')).toBe(true);
    await worker.stop();
  });
});
