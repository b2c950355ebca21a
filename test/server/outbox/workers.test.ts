// Several workers: three processes deliver 2,000 postbacks from one Postgres outbox while the tracker fails ~30%
// of requests (500, 503, 429 with Retry-After, connection resets before and after processing). Nothing may be lost,
// and nothing delivered twice except what the tracker processed and then reset (the sender cannot know).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConversion } from '../../../src/server/conversion';
import { outboxRows } from '../../../src/server/outbox/enqueue';
import { postgresOutbox } from '../../../src/server/outbox/postgres';
import type { OutboxStore } from '../../../src/server/outbox/row';
import type { PostbackRule } from '../../../src/server/rules';
import { freshDatabase, postgresSkip } from '../../setup/postgres-context';
import { type Child, ensureBuilt, startChild, waitFor } from './fixtures/processes';
import { type Answer, startTracker, type Tracker } from './fixtures/tracker';

const CONVERSIONS = 1000;
const WORKERS = 3;

// A fixed pseudo-random sequence (mulberry32): the same failures on every run.
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe.skipIf(!!postgresSkip)(
  `several workers on one Postgres outbox${postgresSkip ? ` (SKIPPED: ${postgresSkip})` : ''}`,
  () => {
    let tracker: Tracker;
    let store: OutboxStore;
    let db: string;
    const children: Child[] = [];
    beforeAll(async () => {
      ensureBuilt();
      db = await freshDatabase('workers');
    }, 180_000);
    afterAll(async () => {
      for (const c of children) c.process.kill('SIGKILL');
      await store?.close();
      await tracker?.close();
    });

    it(`${WORKERS} processes × ${CONVERSIONS * 2} postbacks, ~30% injected failures: 0 lost, 0 delivered twice`, async () => {
      const random = prng(9);
      const injected: Record<string, number> = {};
      // Failures on the first three arrivals of a key only, so every postback can succeed within the schedule.
      const answer = (_key: string, arrival: number): Answer => {
        const r = random();
        if (arrival > 3 || r >= 0.3) return 'ok';
        const a: Answer =
          r < 0.08
            ? { status: 500 }
            : r < 0.15
              ? { status: 503 }
              : r < 0.2
                ? { status: 429, retryAfter: 1 }
                : r < 0.25
                  ? 'reset'
                  : 'process-reset';
        const name = typeof a === 'string' ? a : String(a.status);
        injected[name] = (injected[name] ?? 0) + 1;
        return a;
      };
      tracker = await startTracker({ answer });
      store = postgresOutbox({ connectionString: db, table: 'many' });
      const rules: PostbackRule[] = [
        { id: 'r1', url: `${tracker.url}/r1?k=r1-{transaction_id}&c={click_id}` },
        {
          id: 'r2',
          base: `${tracker.url}/r2`,
          params: { k: 'r2-{transaction_id}', amount: '{amount}' },
          method: 'POST',
        },
      ];
      const now = Date.now();
      for (let i = 0; i < CONVERSIONS; i += 100) {
        const batch = await Promise.all(
          Array.from({ length: 100 }, (_, j) =>
            outboxRows(
              resolveConversion({
                clickId: `c${i + j}`,
                transactionId: `cs_many_${i + j}`,
                amount: 10,
                currency: 'USD',
              }),
              rules,
            ),
          ),
        );
        await store.enqueue(batch.flat(), now);
      }
      const started = performance.now();
      for (let w = 0; w < WORKERS; w++)
        children.push(
          startChild({
            engine: 'postgres',
            db,
            table: 'many',
            tracker: tracker.url,
            name: `worker-${w}`,
            work: true,
            concurrency: 10,
            leaseMs: 10_000,
            pollIntervalMs: 50,
            schedule: [50, 100, 200, 400, 800, 1600],
          }),
        );
      await waitFor(
        async () => (await store.stats()).delivered === CONVERSIONS * 2,
        'all 2,000 delivered',
        120_000,
      );
      const seconds = (performance.now() - started) / 1000;
      for (const c of children) c.process.kill('SIGTERM');
      expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0, 0]);
      expect(children.flatMap((c) => c.errors)).toEqual([]);

      const keys = Array.from({ length: CONVERSIONS }, (_, i) => [
        `r1-cs_many_${i}`,
        `r2-cs_many_${i}`,
      ]).flat();
      const lost = keys.filter((k) => !tracker.accepted.get(k));
      // Exactly one 200 per postback: none lost, none accepted twice. The only other processing of a key is the
      // tracker's own process-then-reset, which no sender can tell from a lost request.
      const acceptedTwice = keys.filter((k) => (tracker.accepted.get(k) ?? 0) > 1);
      const processedTwice = keys.filter((k) => (tracker.processedThenReset.get(k) ?? 0) > 0);
      expect(lost).toEqual([]);
      expect(acceptedTwice).toEqual([]);
      const total = [...tracker.arrivals.values()].reduce((a, b) => a + b, 0);
      const failures = Object.values(injected).reduce((a, b) => a + b, 0);
      // The failures were real and plenty: about 30% of the first arrivals.
      expect(failures / total).toBeGreaterThan(0.2);
      // The work was shared, each row leased to one worker at a time.
      const rows = (await store.list({ limit: 1000 })).rows;
      const owners = new Map<string, number>();
      for (const row of rows.slice(0, 300))
        for (const a of await store.attempts(row.id))
          owners.set(a.owner ?? '', (owners.get(a.owner ?? '') ?? 0) + 1);
      expect([...owners.keys()].sort()).toEqual(['worker-0', 'worker-1', 'worker-2']);
      console.info(
        `several workers ${JSON.stringify({
          workers: WORKERS,
          postbacks: keys.length,
          requests: total,
          injected,
          lost: lost.length,
          acceptedTwice: acceptedTwice.length,
          processedTwiceByTrackerReset: processedTwice.length,
          seconds: Math.round(seconds * 10) / 10,
        })}`,
      );
    }, 150_000);
  },
);
