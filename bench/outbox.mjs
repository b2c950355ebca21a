// Outbox figures, from the built dist/server: conversions enqueued per second (dispatch resolving once its rows are
// committed) and postbacks delivered per second by a worker to the local keep-alive receiver, for SQLite (a file,
// WAL, fsync per commit) and PostgreSQL (a local server started for the run, fsync on), each set against the
// in-memory path measured in the same run: the memoryOutbox for enqueueing, the in-memory dispatcher
// (createDispatcher without an outbox: send from process memory) for delivery.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPostgres } from '../scripts/postgres.mjs';
import { startReceiver } from './lib/receiver.mjs';
import { isMain, median, row, throughput } from './lib/stats.mjs';

const dist = (name) => new URL(`../dist/server/${name}.js`, import.meta.url);
const OUTBOX = { count: 2000, concurrency: 50, repeats: 3 };

const seconds = (since) => Number(process.hrtime.bigint() - since) / 1e9;

/** Runs the outbox benchmark; resolves to result rows and sanity checks. */
export const benchOutbox = async ({ log = () => {} } = {}) => {
  const [api, sqlite, postgres] = await Promise.all(
    ['index', 'sqlite', 'postgres'].map((n) => import(pathToFileURL(dist(n).pathname).href)),
  );
  const receiver = await startReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'clicktrail-bench-outbox-'));
  let pg;
  let pgNote;
  try {
    pg = await startPostgres({ fast: false });
  } catch (error) {
    pgNote = `n/a: ${String(error.message).split('\n')[0]}`;
  }
  const rules = [
    {
      id: 'bench',
      url: `${receiver.origin}/postback?clickid={click_id}&amount={amount}&currency={currency}&txid={transaction_id}`,
    },
  ];
  const conversion = (tag, i) => ({
    clickId: 'a520dca8-ab08-4640-af65-034be3a68909',
    transactionId: `cs_${tag}_${i}`,
    amount: 19.99,
    currency: 'USD',
  });
  let n = 0;
  const stores = {
    memory: () => api.memoryOutbox(),
    sqlite: () => sqlite.sqliteOutbox({ path: join(dir, `bench-${n++}.db`) }),
    postgres: pg
      ? () => postgres.postgresOutbox({ connectionString: pg.url, table: `bench${n++}`, max: 8 })
      : undefined,
  };
  const checks = {};
  const enqueueRates = { memory: [], sqlite: [], postgres: [] };
  const deliverRates = { memory: [], sqlite: [], postgres: [], dispatcher: [] };
  try {
    // Warm-up: JIT (the dispatcher, the outbox path and the worker), the receiver's sockets.
    {
      const warm = api.createDispatcher({ rules, throwOnFailure: false });
      await throughput(500, OUTBOX.concurrency, (i) => warm(conversion('warm', i)));
      const outbox = api.memoryOutbox();
      const queue = api.createDispatcher({ rules, outbox });
      await throughput(1000, OUTBOX.concurrency, (i) => queue(conversion('warmup', i)));
      await api.createWorker({ outbox, rules, concurrency: OUTBOX.concurrency }).deliverDue();
      await receiver.stats();
    }
    const engines = Object.entries(stores).filter(([, make]) => make);
    for (let r = 0; r < OUTBOX.repeats; r++) {
      // A different engine goes first in each round, so none always gets the warmest (or busiest) moment.
      for (const [engine, make] of [
        ...engines.slice(r % engines.length),
        ...engines.slice(0, r % engines.length),
      ]) {
        log(`outbox: ${engine} round ${r + 1}/${OUTBOX.repeats}`);
        const outbox = make();
        await outbox.open();
        try {
          const dispatch = api.createDispatcher({ rules, outbox });
          const tag = `${engine}_${r}`;
          enqueueRates[engine].push(
            await throughput(OUTBOX.count, OUTBOX.concurrency, (i) => dispatch(conversion(tag, i))),
          );
          const worker = api.createWorker({ outbox, rules, concurrency: OUTBOX.concurrency });
          const started = process.hrtime.bigint();
          const summary = await worker.deliverDue();
          deliverRates[engine].push(summary.delivered / seconds(started));
          const stats = await receiver.stats();
          checks[`${engine} round ${r + 1}`] = { ...summary, ...stats };
        } finally {
          await outbox.close();
        }
      }
      // The baseline for delivery: the in-memory dispatcher, sending from process memory, same receiver.
      const dispatcher = api.createDispatcher({ rules, throwOnFailure: false });
      let failed = 0;
      deliverRates.dispatcher.push(
        await throughput(OUTBOX.count, OUTBOX.concurrency, async (i) => {
          const [result] = await dispatcher(conversion(`mem_${r}`, i));
          if (!result?.ok) failed++;
        }),
      );
      checks[`in-memory dispatcher round ${r + 1}`] = { failed, ...(await receiver.stats()) };
    }
  } finally {
    await receiver.close();
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  // A rate only counts if every postback arrived exactly once.
  const exact = (engine) =>
    Object.entries(checks)
      .filter(([k]) => k.startsWith(`${engine} `))
      .every(([, c]) => c.delivered === OUTBOX.count && c.unique === OUTBOX.count && c.dupes === 0);
  const med = (list) => (list.length ? median(list) : null);
  const note = (engine) =>
    engine === 'postgres' && !pg
      ? pgNote
      : exact(engine)
        ? undefined
        : 'some postbacks were lost or sent twice (see results.json checks)';
  const label = `${OUTBOX.count.toLocaleString('en-US')} conversions, ${OUTBOX.concurrency} at once`;
  const rows = [
    row(
      'outbox',
      `enqueue, SQLite file (WAL, fsync per commit): ${label}`,
      'conversions/s',
      med(enqueueRates.sqlite),
      med(enqueueRates.memory),
      'memoryOutbox (same dispatch, no disk)',
      note('sqlite'),
    ),
    row(
      'outbox',
      `enqueue, PostgreSQL (local server, fsync on): ${label}`,
      'conversions/s',
      med(enqueueRates.postgres),
      med(enqueueRates.memory),
      'memoryOutbox (same dispatch, no disk)',
      note('postgres'),
    ),
    row(
      'outbox',
      `deliver, SQLite, worker with ${OUTBOX.concurrency} in flight, keep-alive receiver`,
      'postbacks/s',
      med(deliverRates.sqlite),
      med(deliverRates.dispatcher),
      'in-memory dispatcher (no outbox)',
      note('sqlite'),
    ),
    row(
      'outbox',
      `deliver, PostgreSQL, worker with ${OUTBOX.concurrency} in flight, keep-alive receiver`,
      'postbacks/s',
      med(deliverRates.postgres),
      med(deliverRates.dispatcher),
      'in-memory dispatcher (no outbox)',
      note('postgres'),
    ),
    row(
      'outbox',
      `deliver, memoryOutbox, worker with ${OUTBOX.concurrency} in flight (the worker's own cost)`,
      'postbacks/s',
      med(deliverRates.memory),
      med(deliverRates.dispatcher),
      'in-memory dispatcher (no outbox)',
      note('memory'),
    ),
  ];
  return { rows, checks };
};

if (isMain(import.meta.url)) {
  const { rows, checks } = await benchOutbox({ log: console.error });
  console.table(
    rows.map(({ name, value, baseline, ratio, note }) => ({ name, value, baseline, ratio, note })),
  );
  console.log(checks);
}
