// The behavioural suite every outbox store must pass: memory, SQLite (both drivers) and PostgreSQL run exactly
// these tests. Store calls take the time as an argument, and the worker gets an injected clock, so nothing here
// waits for wall-clock time except real HTTP round trips to a local receiver.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Conversion, resolveConversion } from '../../../src/server/conversion';
import { outboxRows } from '../../../src/server/outbox/enqueue';
import { OutboxError } from '../../../src/server/outbox/errors';
import type { AttemptRecord, NewOutboxRow, OutboxStore } from '../../../src/server/outbox/row';
import { createWorker, type WorkerOptions } from '../../../src/server/outbox/worker';
import type { PostbackRule } from '../../../src/server/rules';
import { type Behaviour, type Receiver, startReceiver } from '../receiver';

export const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const LEASE = 60_000;

/** A clock the test moves by hand. */
export const fakeClock = (start = T0) => {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
      return t;
    },
    set: (ms: number) => {
      t = ms;
    },
  };
};

/** Resolves once `condition()` holds (checked every few ms); fails the test after 4 s saying so. */
export const waitUntil = async (condition: () => boolean, what = 'the condition'): Promise<void> => {
  for (const until = Date.now() + 4_000; !condition(); ) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

/**
 * A tracker that holds every request until the test answers it (`held[i].answer(status)`); an aborted request
 * rejects, as fetch does.
 */
export const heldFetch = () => {
  const held: { answer: (status: number) => void; signal: AbortSignal }[] = [];
  const fetch = ((_url: string, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init?.signal as AbortSignal;
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      held.push({ signal, answer: (status) => resolve(new Response('x', { status })) });
    })) as typeof globalThis.fetch;
  return { fetch, held };
};

let seq = 0;
/** A new row for store-level tests. */
export const newRow = (over: Partial<NewOutboxRow> = {}): NewOutboxRow => {
  const tx = over.transactionId ?? `tx_${++seq}`;
  const conversion = resolveConversion(
    { clickId: over.clickId ?? `click_${seq}`, transactionId: tx, amount: 49.9, currency: 'EUR' },
    T0,
  );
  return {
    rule: 'r1',
    clickId: conversion.clickId,
    transactionId: tx,
    event: conversion.event,
    conversionStatus: conversion.status,
    amount: conversion.amount,
    currency: conversion.currency,
    template: 'https://t.example/pb?c={click_id}&token=***',
    url: `https://t.example/pb?c=${conversion.clickId}&token=***`,
    method: 'GET',
    conversion,
    status: 'pending',
    ...over,
  };
};

/**
 * Every store claims at once, `callsEach` claims of `limit` rows each (store i as owner `w<i>`); resolves to the ids
 * of every row claimed, for a test that several workers on one database never lease the same row.
 */
export const claimRace = async (
  stores: readonly OutboxStore[],
  callsEach: number,
  limit: number,
): Promise<number[]> => {
  const claimed = await Promise.all(
    stores.flatMap((store, i) =>
      Array.from({ length: callsEach }, () =>
        store.claim({ owner: `w${i}`, now: T0, leaseMs: 1000, limit, rules: ['r1'] }),
      ),
    ),
  );
  return claimed.flat().map((r) => r.id);
};

/** The report of a row's first attempt, ending it as `status` (to settle rows a test only needs settled). */
export const firstAttempt = (
  rowId: number,
  owner: string,
  status: 'delivered' | 'failed',
  startedAt: number,
): AttemptRecord => ({
  rowId,
  owner,
  status,
  url: 'u',
  attempt: { attempt: 1, startedAt, durationMs: 1, url: 'u', outcome: status },
});

/**
 * Registers the suite. `open` makes a fresh, empty store for each test; `close` (optional) cleans up after the
 * whole file.
 */
export const outboxSuite = (
  name: string,
  open: () => Promise<OutboxStore>,
  options: { skip?: string; afterAllFn?: () => Promise<void> } = {},
) => {
  const title = options.skip ? `${name} (SKIPPED: ${options.skip})` : name;
  describe.skipIf(!!options.skip)(title, () => {
    let store: OutboxStore;
    const clock = fakeClock();
    beforeEach(async () => {
      clock.set(T0);
      store = await open();
      await store.open();
    });
    afterEach(async () => {
      await store.close();
    });
    if (options.afterAllFn) afterAll(options.afterAllFn);

    const claim = (owner: string, limit = 10, rules = ['r1', 'r2']) =>
      store.claim({ owner, now: clock.now(), leaseMs: LEASE, limit, rules });

    describe('enqueue', () => {
      it('writes one row per rule with the conversion, and finds it again on a repeat', async () => {
        const a = newRow({ rule: 'r1', transactionId: 'cs_1' });
        const b = newRow({ rule: 'r2', transactionId: 'cs_1', clickId: a.clickId });
        const first = await store.enqueue([a, b], clock.now());
        expect(first.map((r) => r.inserted)).toEqual([true, true]);
        expect(first[0]?.row).toMatchObject({
          rule: 'r1',
          transactionId: 'cs_1',
          clickId: a.clickId,
          status: 'pending',
          attempts: 0,
          amount: 49.9,
          currency: 'EUR',
          method: 'GET',
          url: a.url,
          template: a.template,
          nextAttemptAt: T0,
          createdAt: T0,
          updatedAt: T0,
          replays: 0,
        });
        expect(first[0]?.row.conversion).toEqual(a.conversion);
        clock.advance(1000);
        const again = await store.enqueue([{ ...a, amount: 1 }, b], clock.now());
        expect(again.map((r) => r.inserted)).toEqual([false, false]);
        expect(again.map((r) => r.row.id)).toEqual(first.map((r) => r.row.id));
        expect(again[0]?.row.amount).toBe(49.9);
        expect((await store.list()).rows).toHaveLength(2);
      });

      it('concurrent enqueues of one conversion insert each (transaction, rule) exactly once', async () => {
        const rows = [
          newRow({ rule: 'r1', transactionId: 'cs_race' }),
          newRow({ rule: 'r2', transactionId: 'cs_race' }),
        ];
        const results = await Promise.all(Array.from({ length: 12 }, () => store.enqueue(rows, clock.now())));
        const inserted = results.flat().filter((r) => r.inserted);
        expect(inserted.map((r) => r.row.rule).sort()).toEqual(['r1', 'r2']);
        expect(new Set(results.flat().map((r) => r.row.id)).size).toBe(2);
        expect((await store.stats()).pending).toBe(2);
      });

      it('a batch naming one key twice inserts it once', async () => {
        const r = newRow({ transactionId: 'cs_twice' });
        const out = await store.enqueue([r, { ...r }], clock.now());
        expect(out.map((o) => o.inserted)).toEqual([true, false]);
        expect(out[0]?.row.id).toBe(out[1]?.row.id);
      });

      it('keeps hostile and unusual values byte for byte (unicode, quotes, __proto__ params)', async () => {
        const params = Object.fromEntries([
          ['__proto__', 'kept'],
          ['sub1', "'; DROP TABLE clicktrail_outbox; --"],
          ['emoji', 'ü🎉\u0000x'.replace('\u0000', '')],
        ]);
        const r = newRow({ clickId: 'a"b\'c<d>&e ü', transactionId: 'tx\'"; --' });
        r.conversion = { ...r.conversion, clickId: r.clickId, transactionId: r.transactionId, kept: params };
        const [out] = await store.enqueue([r], clock.now());
        const got = await store.get(out?.row.id as number);
        expect(got?.clickId).toBe(r.clickId);
        expect(got?.transactionId).toBe(r.transactionId);
        expect(Object.getOwnPropertyNames(got?.conversion.kept)).toContain('__proto__');
        expect(got?.conversion.kept?.sub1).toBe(params.sub1);
        expect(got?.conversion.kept?.emoji).toBe('ü🎉x');
        expect((await store.list({ clickId: r.clickId })).rows).toHaveLength(1);
      });

      it('skipped rows are logged with their reason and never claimed', async () => {
        const [s] = await store.enqueue(
          [newRow({ status: 'skipped', error: 'Missing required postback parameter(s): amount', url: '' })],
          clock.now(),
        );
        expect(s?.row).toMatchObject({
          status: 'skipped',
          lastError: 'Missing required postback parameter(s): amount',
        });
        expect(s?.row.nextAttemptAt).toBeUndefined();
        expect(await claim('w1')).toEqual([]);
      });
    });

    describe('claim and leases', () => {
      it('leases only due rows of known rules, oldest due first, and counts the attempt', async () => {
        const [a] = await store.enqueue([newRow({ rule: 'r1' })], clock.now());
        clock.advance(10);
        const [b] = await store.enqueue([newRow({ rule: 'r2' })], clock.now());
        await store.enqueue([newRow({ rule: 'other' })], clock.now());
        clock.advance(10);
        const got = await claim('w1', 10, ['r1', 'r2']);
        expect(got.map((r) => r.id)).toEqual([a?.row.id, b?.row.id]);
        expect(got[0]).toMatchObject({
          status: 'delivering',
          attempts: 1,
          leaseOwner: 'w1',
          nextAttemptAt: clock.now() + LEASE,
        });
        expect(await claim('w2', 10, ['r1', 'r2', 'other'])).toHaveLength(1);
      });

      it('honours the limit and the due time', async () => {
        await store.enqueue([newRow(), newRow(), newRow()], clock.now());
        expect(await claim('w1', 2)).toHaveLength(2);
        expect(await claim('w1', 0)).toHaveLength(0);
        const rows = await claim('w2', 5);
        expect(rows).toHaveLength(1);
        // A retry scheduled for later is not due yet.
        await store.finish(
          [
            {
              rowId: rows[0]?.id as number,
              owner: 'w2',
              status: 'pending',
              nextAttemptAt: clock.now() + 5000,
              url: 'u',
              attempt: {
                attempt: 1,
                startedAt: clock.now(),
                durationMs: 1,
                url: 'u',
                outcome: 'retry',
                httpStatus: 503,
                error: 'HTTP 503',
              },
            },
          ],
          clock.now(),
        );
        clock.advance(4999);
        expect(await claim('w3')).toHaveLength(0);
        clock.advance(1);
        expect((await claim('w3')).map((r) => r.id)).toEqual([rows[0]?.id]);
      });

      it('a leased row is nobody else’s until the lease runs out; then it is taken over and the loss is logged', async () => {
        const [r] = await store.enqueue([newRow()], clock.now());
        const id = r?.row.id as number;
        expect(await claim('w1')).toHaveLength(1);
        clock.advance(LEASE - 1);
        expect(await claim('w2')).toHaveLength(0);
        clock.advance(1);
        const taken = await claim('w2');
        expect(taken.map((t) => [t.id, t.leaseOwner, t.attempts])).toEqual([[id, 'w2', 2]]);
        const attempts = await store.attempts(id);
        expect(attempts).toHaveLength(1);
        expect(attempts[0]).toMatchObject({ rowId: id, attempt: 1, outcome: 'interrupted', owner: 'w1' });
        // The first worker reports late: its attempt is recorded, but the row stays w2's.
        const late = await store.finish(
          [
            {
              rowId: id,
              owner: 'w1',
              status: 'delivered',
              url: 'u',
              attempt: {
                attempt: 1,
                startedAt: T0,
                durationMs: 5,
                url: 'u',
                outcome: 'delivered',
                httpStatus: 200,
              },
            },
          ],
          clock.now(),
        );
        expect(late).toEqual([false]);
        expect((await store.get(id))?.status).toBe('delivering');
        expect((await store.attempts(id)).map((a) => a.owner)).toEqual(['w1', 'w1']);
      });

      it('a late report of an expired lease never overwrites a later lease of the same owner', async () => {
        const [r] = await store.enqueue([newRow()], clock.now());
        const id = r?.row.id as number;
        await claim('w1');
        clock.advance(LEASE);
        // The same worker claims the row again (its first send stalled past the lease): a new lease, attempt 2.
        expect((await claim('w1')).map((t) => [t.id, t.attempts])).toEqual([[id, 2]]);
        const report = (attempt: number, status: 'pending' | 'delivered') => ({
          rowId: id,
          owner: 'w1',
          status,
          url: 'u',
          ...(status === 'pending' ? { nextAttemptAt: clock.now() + 5000 } : {}),
          attempt: {
            attempt,
            startedAt: T0,
            durationMs: 1,
            url: 'u',
            outcome: status === 'pending' ? ('retry' as const) : ('delivered' as const),
            httpStatus: status === 'pending' ? 503 : 200,
          },
        });
        // The first lease's 503 arrives late: logged, but the row stays with the second lease.
        expect(await store.finish([report(1, 'pending')], clock.now())).toEqual([false]);
        expect(await store.get(id)).toMatchObject({ status: 'delivering', leaseOwner: 'w1', attempts: 2 });
        expect(await store.finish([report(2, 'delivered')], clock.now())).toEqual([true]);
        expect((await store.get(id))?.status).toBe('delivered');
        // Both in one batch (one group commit): still only the current lease counts.
        const [s] = await store.enqueue([newRow()], clock.now());
        const sid = s?.row.id as number;
        await claim('w1');
        clock.advance(LEASE);
        await claim('w1');
        const both = await store.finish(
          [
            { ...report(1, 'pending'), rowId: sid },
            { ...report(2, 'delivered'), rowId: sid },
          ],
          clock.now(),
        );
        expect(both).toEqual([false, true]);
        expect((await store.get(sid))?.status).toBe('delivered');
      });

      it('extend renews only the owner’s leases', async () => {
        const [r] = await store.enqueue([newRow()], clock.now());
        const id = r?.row.id as number;
        await claim('w1');
        expect(await store.extend([id], 'w2', clock.now() + 2 * LEASE, clock.now())).toEqual([]);
        clock.advance(LEASE / 2);
        expect(await store.extend([id, 999_999], 'w1', clock.now() + LEASE, clock.now())).toEqual([id]);
        clock.advance(LEASE - 1);
        expect(await claim('w2')).toHaveLength(0);
        expect((await store.get(id))?.nextAttemptAt).toBe(T0 + LEASE / 2 + LEASE);
      });

      it('release gives rows back at once without counting an attempt', async () => {
        const [r] = await store.enqueue([newRow()], clock.now());
        const id = r?.row.id as number;
        await claim('w1');
        await store.release([id], 'w2', clock.now());
        expect((await store.get(id))?.status).toBe('delivering');
        await store.release([id], 'w1', clock.now());
        expect(await store.get(id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0 });
        expect((await store.get(id))?.leaseOwner).toBeUndefined();
        expect(await claim('w2')).toHaveLength(1);
      });
    });

    describe('finish', () => {
      it('records every attempt and moves the row: retry, then delivered', async () => {
        const [r] = await store.enqueue([newRow()], clock.now());
        const id = r?.row.id as number;
        await claim('w1');
        const ok1 = await store.finish(
          [
            {
              rowId: id,
              owner: 'w1',
              status: 'pending',
              nextAttemptAt: clock.now() + 5000,
              url: 'https://t/1',
              attempt: {
                attempt: 1,
                startedAt: clock.now(),
                durationMs: 12.5,
                url: 'https://t/1',
                outcome: 'retry',
                httpStatus: 503,
                error: 'HTTP 503',
              },
            },
          ],
          clock.now(),
        );
        expect(ok1).toEqual([true]);
        expect(await store.get(id)).toMatchObject({
          status: 'pending',
          lastHttpStatus: 503,
          lastError: 'HTTP 503',
          nextAttemptAt: T0 + 5000,
        });
        clock.advance(5000);
        await claim('w1');
        await store.finish(
          [
            {
              rowId: id,
              owner: 'w1',
              status: 'delivered',
              url: 'https://t/2',
              attempt: {
                attempt: 2,
                startedAt: clock.now(),
                durationMs: 3,
                url: 'https://t/2',
                outcome: 'delivered',
                httpStatus: 204,
              },
            },
          ],
          clock.now(),
        );
        const row = await store.get(id);
        expect(row).toMatchObject({
          status: 'delivered',
          attempts: 2,
          lastHttpStatus: 204,
          url: 'https://t/2',
          deliveredAt: T0 + 5000,
        });
        expect(row?.lastError).toBeUndefined();
        expect(row?.nextAttemptAt).toBeUndefined();
        expect(row?.leaseOwner).toBeUndefined();
        expect(await store.attempts(id)).toEqual([
          {
            rowId: id,
            attempt: 1,
            startedAt: T0,
            durationMs: 12.5,
            url: 'https://t/1',
            httpStatus: 503,
            error: 'HTTP 503',
            outcome: 'retry',
            owner: 'w1',
          },
          {
            rowId: id,
            attempt: 2,
            startedAt: T0 + 5000,
            durationMs: 3,
            url: 'https://t/2',
            httpStatus: 204,
            outcome: 'delivered',
            owner: 'w1',
          },
        ]);
      });

      it('a network error clears the last HTTP status; failed rows keep no due time', async () => {
        const [r] = await store.enqueue([newRow()], clock.now());
        const id = r?.row.id as number;
        await claim('w1');
        await store.finish(
          [
            {
              rowId: id,
              owner: 'w1',
              status: 'failed',
              url: 'u',
              attempt: {
                attempt: 1,
                startedAt: T0,
                durationMs: 1,
                url: 'u',
                outcome: 'failed',
                error: 'fetch failed (ECONNREFUSED)',
              },
            },
          ],
          clock.now(),
        );
        const row = await store.get(id);
        expect(row).toMatchObject({ status: 'failed', lastError: 'fetch failed (ECONNREFUSED)' });
        expect(row?.lastHttpStatus).toBeUndefined();
        expect(row?.nextAttemptAt).toBeUndefined();
      });
    });

    describe('the log: list, get, stats', () => {
      const fill = async () => {
        const ids: number[] = [];
        for (let i = 0; i < 7; i++) {
          const [r] = await store.enqueue(
            [
              newRow({
                rule: i % 2 ? 'r2' : 'r1',
                clickId: i < 3 ? 'alice' : 'bob',
                transactionId: `cs_log_${i}`,
              }),
            ],
            clock.now(),
          );
          ids.push(r?.row.id as number);
          clock.advance(1000);
        }
        return ids;
      };

      it('pages newest first with a cursor: every row once, no gaps', async () => {
        const ids = await fill();
        const seen: number[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list({ limit: 3, ...(cursor ? { cursor } : {}) });
          seen.push(...page.rows.map((r) => r.id));
          cursor = page.next;
          pages++;
        } while (cursor);
        expect(pages).toBe(3);
        expect(seen).toEqual([...ids].reverse());
      });

      it('filters by status, rule, click id, transaction id and time range', async () => {
        const ids = await fill();
        await claim('w1', 1);
        const ruleR2 = await store.list({ rule: 'r2' });
        expect(ruleR2.rows.map((r) => r.id)).toEqual([ids[5], ids[3], ids[1]]);
        expect((await store.list({ clickId: 'alice' })).rows).toHaveLength(3);
        expect((await store.list({ transactionId: 'cs_log_4' })).rows.map((r) => r.id)).toEqual([ids[4]]);
        expect((await store.list({ status: 'delivering' })).rows.map((r) => r.id)).toEqual([ids[0]]);
        expect((await store.list({ status: ['pending', 'delivering'], rule: ['r1'] })).rows).toHaveLength(4);
        expect(
          (await store.list({ since: T0 + 2000, until: new Date(T0 + 4000) })).rows.map((r) => r.id),
        ).toEqual([ids[3], ids[2]]);
        expect((await store.list({ rule: [] })).rows).toEqual([]);
        expect(await store.stats()).toEqual({
          pending: 6,
          delivering: 1,
          delivered: 0,
          failed: 0,
          skipped: 0,
        });
        expect(await store.get(987_654)).toBeUndefined();
      });

      it('refuses bad queries with a typed error', async () => {
        await expect(store.list({ status: 'sent' as never })).rejects.toMatchObject({
          code: 'outbox_options',
        });
        await expect(store.list({ limit: 0 })).rejects.toBeInstanceOf(OutboxError);
        await expect(store.list({ cursor: '1 OR 1=1' })).rejects.toMatchObject({ code: 'outbox_options' });
      });
    });

    describe('replay and prune', () => {
      const settle = async (status: 'delivered' | 'failed', over: Partial<NewOutboxRow> = {}) => {
        const [r] = await store.enqueue([newRow(over)], clock.now());
        const id = r?.row.id as number;
        await store.claim({
          owner: 'w',
          now: clock.now(),
          leaseMs: LEASE,
          limit: 1,
          rules: [r?.row.rule as string],
        });
        await store.finish(
          [
            {
              rowId: id,
              owner: 'w',
              status,
              url: 'u',
              attempt: {
                attempt: 1,
                startedAt: clock.now(),
                durationMs: 1,
                url: 'u',
                outcome: status,
                httpStatus: status === 'delivered' ? 200 : 404,
              },
            },
          ],
          clock.now(),
        );
        return id;
      };

      it('replays failed rows (all, or of a rule) with a fresh schedule, and named rows of any finished status', async () => {
        const f1 = await settle('failed', { rule: 'r1' });
        const f2 = await settle('failed', { rule: 'r2' });
        const d = await settle('delivered');
        const [p] = await store.enqueue([newRow()], clock.now());
        clock.advance(60_000);
        expect(await store.replay({ status: 'failed', rule: 'r2' }, clock.now())).toEqual([f2]);
        expect(await store.get(f2)).toMatchObject({
          status: 'pending',
          replays: 1,
          scheduleStart: 1,
          attempts: 1,
          nextAttemptAt: clock.now(),
        });
        expect(await store.replay({ status: 'failed' }, clock.now())).toEqual([f1]);
        // Pending rows are left alone; a delivered row is sent again only when named.
        expect(await store.replay({ ids: [p?.row.id as number, d, 424_242] }, clock.now())).toEqual([d]);
        expect((await store.get(d))?.status).toBe('pending');
        expect(await claim('w2')).toHaveLength(4);
      });

      it('prunes delivered and skipped rows past their age with their attempts; failed rows only when asked', async () => {
        const old = await settle('delivered');
        const failed = await settle('failed');
        const [skipped] = await store.enqueue([newRow({ status: 'skipped', error: 'x' })], clock.now());
        clock.advance(10_000);
        const fresh = await settle('delivered');
        const [pending] = await store.enqueue([newRow()], clock.now());
        clock.advance(1);
        expect(await store.prune({ now: clock.now(), deliveredMs: 5_000 })).toBe(2);
        expect(await store.get(old)).toBeUndefined();
        expect(await store.get(skipped?.row.id as number)).toBeUndefined();
        expect(await store.attempts(old)).toEqual([]);
        expect(await store.get(failed)).toBeDefined();
        expect(await store.get(fresh)).toBeDefined();
        expect(await store.prune({ now: clock.now(), failedMs: 5_000 })).toBe(1);
        expect(await store.get(failed)).toBeUndefined();
        expect(await store.get(pending?.row.id as number)).toBeDefined();
      });
    });

    describe('prune of a backlog', () => {
      it('deletes every old row however many there are, and nothing else', async () => {
        // More than one batch (1,000) of delivered rows, with their attempts; pending ones beside them.
        const delivered = 2_345;
        const rows = Array.from({ length: delivered }, () => newRow());
        await store.enqueue(rows, clock.now());
        const claimed = await store.claim({
          owner: 'w',
          now: clock.now(),
          leaseMs: LEASE,
          limit: delivered,
          rules: ['r1'],
        });
        await store.finish(
          claimed.map((r) => firstAttempt(r.id, 'w', 'delivered', clock.now())),
          clock.now(),
        );
        const [pending] = await store.enqueue([newRow(), newRow()], clock.now());
        clock.advance(10_000);
        expect(await store.prune({ now: clock.now(), deliveredMs: 5_000 })).toBe(delivered);
        expect(await store.stats()).toMatchObject({ delivered: 0, pending: 2 });
        expect(await store.attempts(claimed[1_500]?.id as number)).toEqual([]);
        expect(await store.get(pending?.row.id as number)).toBeDefined();
        expect(await store.prune({ now: clock.now(), deliveredMs: 5_000 })).toBe(0);
      });
    });

    describe('the worker on this store', () => {
      let receiver: Receiver;
      let plan: (key: string, attempt: number) => Behaviour;
      beforeAll(async () => {
        receiver = await startReceiver((key, n) => plan(key, n));
      });
      afterAll(() => receiver.close());
      beforeEach(() => {
        plan = () => ({ status: 200 });
        receiver.attempts.clear();
        receiver.accepted.clear();
        receiver.concurrency.max = 0;
      });

      const rules = (): PostbackRule[] => [
        { id: 'r1', url: `${receiver.url}/r1?k=r1-{transaction_id}&c={click_id}&token=s3cret` },
        {
          id: 'r2',
          base: `${receiver.url}/r2`,
          params: { k: 'r2-{transaction_id}', amount: '{amount}' },
          method: 'POST',
        },
      ];
      const dispatch = async (c: Partial<Conversion> & { transactionId: string }) =>
        store.enqueue(
          await outboxRows(
            resolveConversion({ clickId: 'clk', amount: 10, currency: 'USD', ...c }, clock.now()),
            rules(),
          ),
          clock.now(),
        );
      const worker = (over: Partial<WorkerOptions> = {}) =>
        createWorker({ outbox: store, rules: rules(), now: clock.now, random: () => 0.5, ...over });

      it('a NUL in any value (Stripe metadata, an email) is stored as U+FFFD instead of failing the commit', async () => {
        const [row] = await dispatch({
          transactionId: 'cs_nul',
          email: 'a\u0000b@example.com',
          kept: Object.fromEntries([['sub\u00001', 'x\u0000y']]),
        });
        const stored = await store.get(row?.row.id as number);
        expect(stored?.conversion.email).toBe('a\uFFFDb@example.com');
        expect(stored?.conversion.kept).toEqual({ 'sub\uFFFD1': 'x\uFFFDy' });
      });

      it('delivers every due postback once, GET and POST, and never stores the secret', async () => {
        await dispatch({ transactionId: 'cs_w1' });
        await dispatch({ transactionId: 'cs_w2' });
        const summary = await worker().deliverDue();
        expect(summary).toMatchObject({ claimed: 4, delivered: 4, retrying: 0, failed: 0, more: false });
        expect([...receiver.accepted.entries()].sort()).toEqual([
          ['r1-cs_w1', 1],
          ['r1-cs_w2', 1],
          ['r2-cs_w1', 1],
          ['r2-cs_w2', 1],
        ]);
        expect(receiver.bodies.get('r2-cs_w1')).toBe('k=r2-cs_w1&amount=10');
        const rows = (await store.list()).rows;
        expect(rows.every((r) => r.status === 'delivered')).toBe(true);
        const r1 = rows.find((r) => r.rule === 'r1');
        expect(r1?.url).toContain('token=***');
        expect(JSON.stringify([rows, await store.attempts(r1?.id as number)])).not.toContain('s3cret');
        expect(await worker().deliverDue()).toMatchObject({ claimed: 0 });
      });

      it('retries on the schedule, honours Retry-After, fails 3xx and 4xx at once, gives up when the schedule ends', async () => {
        plan = (key, n): Behaviour =>
          key.startsWith('r1-cs_retry')
            ? n < 3
              ? { status: 503 }
              : { status: 200 }
            : key.startsWith('r1-cs_after')
              ? n === 1
                ? { status: 429, headers: { 'retry-after': '120' } }
                : { status: 200 }
              : key.startsWith('r1-cs_moved')
                ? { status: 302, headers: { location: `${receiver.url}/elsewhere?k=elsewhere` } }
                : key.startsWith('r1-cs_gone')
                  ? { status: 404 }
                  : key.startsWith('r1-cs_down')
                    ? { status: 500 }
                    : { status: 200 };
        for (const tx of ['cs_retry', 'cs_after', 'cs_moved', 'cs_gone', 'cs_down'])
          await dispatch({ transactionId: tx });
        const w = worker({ retry: { schedule: [1000, 2000], jitter: 0 } });
        const byTx = async () =>
          Object.fromEntries(
            (await store.list({ rule: 'r1' })).rows.map((r) => [
              r.transactionId,
              [r.status, r.attempts, r.lastHttpStatus],
            ]),
          );
        await w.deliverDue();
        expect(await byTx()).toEqual({
          cs_retry: ['pending', 1, 503],
          cs_after: ['pending', 1, 429],
          cs_moved: ['failed', 1, 302],
          cs_gone: ['failed', 1, 404],
          cs_down: ['pending', 1, 500],
        });
        expect(receiver.attempts.get('elsewhere')).toBeUndefined();
        const after = (await store.list({ transactionId: 'cs_after', rule: 'r1' })).rows[0];
        expect(after?.nextAttemptAt).toBe(clock.now() + 120_000);
        clock.advance(1000);
        await w.deliverDue();
        expect(await byTx()).toMatchObject({
          cs_retry: ['pending', 2, 503],
          cs_after: ['pending', 1, 429],
          cs_down: ['pending', 2, 500],
        });
        clock.advance(2000);
        await w.deliverDue();
        expect(await byTx()).toMatchObject({ cs_retry: ['delivered', 3, 200], cs_down: ['failed', 3, 500] });
        const down = (await store.list({ transactionId: 'cs_down', rule: 'r1' })).rows[0];
        expect(down?.lastError).toBe('HTTP 500 (gave up after 3 attempts)');
        clock.advance(120_000);
        await w.deliverDue();
        expect(await byTx()).toMatchObject({ cs_after: ['delivered', 2, 200] });
        expect((await store.attempts(down?.id as number)).map((a) => a.outcome)).toEqual([
          'retry',
          'retry',
          'failed',
        ]);
      });

      it('a tracker down for hours: rows wait on the default schedule, deliver when it is back; exhausted rows replay', async () => {
        let up = false;
        plan = () => (up ? { status: 200 } : { status: 503 });
        await dispatch({ transactionId: 'cs_down_early' });
        const w = worker();
        await w.deliverDue();
        // Seven hours of outage, the worker running every minute of it (by the injected clock).
        for (let minute = 0; minute < 7 * 60; minute++) {
          clock.advance(60_000);
          await w.deliverDue();
        }
        const during = (await store.list({ rule: 'r1' })).rows[0];
        // Attempts at 0, 1 min (due at 5 s), 6 min, 36 min and 2 h 36 min all failed; the sixth is due 5 h after that.
        expect(during).toMatchObject({ status: 'pending', attempts: 5, lastHttpStatus: 503 });
        up = true;
        clock.advance(5 * 3600_000);
        await w.deliverDue();
        expect((await store.list({ rule: 'r1' })).rows[0]).toMatchObject({
          status: 'delivered',
          attempts: 6,
        });

        // A tracker down for longer than the whole schedule: the row fails, and replay delivers it.
        up = false;
        await dispatch({ transactionId: 'cs_down_long' });
        for (let i = 0; i < 10; i++) {
          await w.deliverDue();
          clock.advance(11 * 3600_000);
        }
        const [lost] = (await store.list({ transactionId: 'cs_down_long', rule: 'r1' })).rows;
        expect(lost).toMatchObject({
          status: 'failed',
          attempts: 8,
          lastError: 'HTTP 503 (gave up after 8 attempts)',
        });
        up = true;
        expect(await store.replay({ status: 'failed' }, clock.now())).toHaveLength(2);
        await w.deliverDue();
        expect((await store.list({ transactionId: 'cs_down_long' })).rows.map((r) => r.status)).toEqual([
          'delivered',
          'delivered',
        ]);
      });

      it('bounds concurrency and the one-shot limit', async () => {
        plan = () => ({ status: 200, delayMs: 100 });
        for (let i = 0; i < 12; i++) await dispatch({ transactionId: `cs_c${i}` });
        const first = await worker({ concurrency: 3 }).deliverDue({ limit: 10 });
        expect(first).toMatchObject({ claimed: 10, delivered: 10, more: true });
        expect(receiver.concurrency.max).toBeLessThanOrEqual(3);
        expect(receiver.concurrency.max).toBeGreaterThan(1);
        expect(await worker({ concurrency: 3 }).deliverDue()).toMatchObject({ claimed: 14, delivered: 14 });
      });

      it('renews its lease while a send outlasts it, so another worker never takes the row', async () => {
        await dispatch({ transactionId: 'cs_slow' });
        const tracker = heldFetch();
        // The renewals, counted as they reach the store. Nothing here depends on how long anything takes: the lease
        // is measured on the test's clock, which moves only when the test moves it.
        let renewals = 0;
        const watched: OutboxStore = {
          ...store,
          extend: async (...args) => {
            const held = await store.extend(...args);
            renewals++;
            return held;
          },
        };
        const lease = 300;
        const a = worker({
          outbox: watched,
          rules: rules().slice(0, 1),
          leaseMs: lease,
          sendOptions: { fetch: tracker.fetch, timeoutMs: 3_600_000 },
        });
        const b = worker({ rules: rules().slice(0, 1), leaseMs: lease });
        const sending = a.deliverDue();
        await waitUntil(() => tracker.held.length === 1, "a's request");
        // Four rounds, each moving the clock most of a lease on and waiting for a's next renewal: by the end the
        // send has lasted more than three leases, and b found nothing to claim after any round.
        for (let round = 0; round < 4; round++) {
          clock.advance(lease - 50);
          const before = renewals;
          await waitUntil(() => renewals > before, 'a renewal');
          expect((await b.deliverDue()).claimed, `b's claims in round ${round}`).toBe(0);
        }
        expect(clock.now() - T0).toBeGreaterThan(3 * lease);
        tracker.held[0]?.answer(200);
        expect(await sending).toMatchObject({ claimed: 1, delivered: 1 });
        expect(tracker.held).toHaveLength(1);
      });

      it('start() delivers as rows arrive; stop() finishes in-flight sends; a second start() is refused', async () => {
        const w = createWorker({ outbox: store, rules: rules(), pollIntervalMs: 60_000 });
        w.start();
        expect(() => w.start()).toThrow(expect.objectContaining({ code: 'outbox_worker' }));
        plan = () => ({ status: 200, delayMs: 100 });
        // The enqueue wakes the loop in this process: no poll interval to wait for.
        await store.enqueue(
          await outboxRows(
            resolveConversion({ clickId: 'c', transactionId: 'cs_live', amount: 1, currency: 'USD' }),
            rules(),
          ),
          Date.now(),
        );
        while ((receiver.concurrency.now as number) < 1)
          await new Promise((resolve) => setTimeout(resolve, 5));
        await w.stop();
        expect(w.running).toBe(false);
        expect((await store.list({ transactionId: 'cs_live' })).rows.map((r) => r.status)).toEqual([
          'delivered',
          'delivered',
        ]);
      });

      it('stop() aborts sends that outlast its grace period and gives their rows back, due at once', async () => {
        plan = () => 'hang';
        const w = createWorker({ outbox: store, rules: rules().slice(0, 1), pollIntervalMs: 60_000 });
        clock.set(Date.now());
        await dispatch({ transactionId: 'cs_hang' });
        w.start();
        while (!receiver.attempts.get('r1-cs_hang')) await new Promise((resolve) => setTimeout(resolve, 5));
        await w.stop({ timeoutMs: 50 });
        const [row] = (await store.list({ transactionId: 'cs_hang', rule: 'r1' })).rows;
        expect(row).toMatchObject({ status: 'pending', lastError: 'aborted: the worker stopped' });
        expect(row?.leaseOwner).toBeUndefined();
        expect(row?.nextAttemptAt).toBeLessThanOrEqual(Date.now());
      });

      it('a rule that can no longer render a queued row skips it with the reason', async () => {
        await dispatch({ transactionId: 'cs_changed' });
        const changed = rules().map((r) => (r.id === 'r1' ? { ...r, required: ['offer_id'] } : r));
        const summary = await createWorker({ outbox: store, rules: changed, now: clock.now }).deliverDue();
        expect(summary).toMatchObject({ delivered: 1, skipped: 1 });
        const [row] = (await store.list({ transactionId: 'cs_changed', rule: 'r1' })).rows;
        expect(row).toMatchObject({
          status: 'skipped',
          lastError: 'Missing required postback parameter(s): offer_id',
        });
      });

      it('a send that outlived its lease and was claimed again by the same worker: only the new lease reports', async () => {
        await dispatch({ transactionId: 'cs_again' });
        const { fetch, held } = heldFetch();
        const events: { attempt: number; recorded: boolean; status: string }[] = [];
        const w = worker({
          rules: rules().slice(0, 1),
          leaseMs: LEASE,
          sendOptions: { fetch, timeoutMs: 3_600_000 },
          onAttempt: (e) =>
            events.push({ attempt: e.attempt.attempt, recorded: e.recorded, status: e.status }),
        });
        const first = w.deliverDue();
        await waitUntil(() => held.length === 1);
        // The first send stalls past its lease (no renewal reached the store); the worker's next round claims the
        // row again, as it would any expired lease.
        clock.advance(LEASE);
        const second = w.deliverDue();
        await waitUntil(() => held.length === 2);
        // The older send is abandoned: the row is the new lease's now.
        expect(held[0]?.signal.aborted).toBe(true);
        expect(held[1]?.signal.aborted).toBe(false);
        held[1]?.answer(200);
        await Promise.all([first, second]);
        const [row] = (await store.list({ transactionId: 'cs_again', rule: 'r1' })).rows;
        expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
        expect(events.sort((a, b) => a.attempt - b.attempt)).toEqual([
          { attempt: 1, recorded: false, status: 'pending' },
          { attempt: 2, recorded: true, status: 'delivered' },
        ]);
      });

      it('leaves rows of rules it does not know for a worker that does', async () => {
        await dispatch({ transactionId: 'cs_known' });
        const only = await createWorker({
          outbox: store,
          rules: rules().slice(1),
          now: clock.now,
        }).deliverDue();
        expect(only).toMatchObject({ claimed: 1, delivered: 1 });
        expect((await store.list({ rule: 'r1' })).rows[0]?.status).toBe('pending');
      });
    });

    it('a closed store refuses calls with a typed error', async () => {
      await store.close();
      await expect(store.list()).rejects.toMatchObject({ code: 'outbox_closed' });
      await expect(store.enqueue([newRow()], clock.now())).rejects.toBeInstanceOf(OutboxError);
    });
  });
};
