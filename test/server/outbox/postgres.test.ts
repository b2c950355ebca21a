import { type AddressInfo, createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { OutboxError } from '../../../src/server/outbox/errors';
import { postgresOutbox } from '../../../src/server/outbox/postgres';
import type { OutboxStore } from '../../../src/server/outbox/row';
import { freshDatabase, postgresSkip } from '../../setup/postgres-context';
import { claimRace, newRow, outboxSuite, T0 } from './suite';

// One database for the file; each test of the suite gets its own table prefix, so nothing leaks between them.
let url: Promise<string> | undefined;
const database = () => {
  url ??= freshDatabase('outbox');
  return url;
};
let n = 0;
const stores: OutboxStore[] = [];
const open = async (table = `t${n++}`) => {
  const store = postgresOutbox({ connectionString: await database(), table, max: 3 });
  stores.push(store);
  return store;
};
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

outboxSuite('postgres outbox', () => open(), postgresSkip ? { skip: postgresSkip } : {});

describe.skipIf(!!postgresSkip)(`postgresOutbox${postgresSkip ? ` (SKIPPED: ${postgresSkip})` : ''}`, () => {
  it('several workers claiming at once never get the same row (FOR UPDATE SKIP LOCKED)', async () => {
    const table = `skip${n++}`;
    const writers = await Promise.all(Array.from({ length: 6 }, () => open(table)));
    // Six pools opening at once: the advisory lock lets exactly one of them migrate.
    await Promise.all(writers.map((w) => w.open()));
    const [first] = writers as [OutboxStore];
    await first.enqueue(
      Array.from({ length: 300 }, () => newRow()),
      T0,
    );
    const ids = await claimRace(writers, 10, 7);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(300);
    const client = new pg.Client({ connectionString: await database() });
    await client.connect();
    const versions = await client.query(`SELECT version FROM ${table}_migrations`);
    await client.end();
    expect(versions.rows).toEqual([{ version: 1 }]);
  });

  it('two instances committing the same conversions in opposite orders never deadlock', async () => {
    // A redelivered batch of events can reach two instances at once, in any order: each commits the same
    // (transaction, rule) keys. Taken in different orders, the unique index's locks would deadlock (40P01).
    const table = `order${n++}`;
    const [a, b] = [await open(table), await open(table)] as [OutboxStore, OutboxStore];
    await Promise.all([a.open(), b.open()]);
    for (let round = 0; round < 20; round++) {
      const rows = Array.from({ length: 40 }, (_, i) => newRow({ transactionId: `cs_order_${round}_${i}` }));
      const results = await Promise.all([a.enqueue(rows, T0), b.enqueue([...rows].reverse(), T0)]);
      expect(results.flat().filter((r) => r.inserted)).toHaveLength(40);
    }
  });

  it('a claim skips rows another transaction has locked instead of waiting for it', async () => {
    const table = `locked${n++}`;
    const store = await open(table);
    const [a, b] = await store.enqueue([newRow(), newRow()], T0);
    const client = new pg.Client({ connectionString: await database() });
    await client.connect();
    await client.query('BEGIN');
    await client.query(`SELECT id FROM ${table}_outbox WHERE id = $1 FOR UPDATE`, [a?.row.id]);
    const claim = store.claim({ owner: 'w', now: T0, leaseMs: 1000, limit: 10, rules: ['r1'] });
    const waited = new Promise((resolve) => setTimeout(() => resolve('blocked'), 2000));
    const got = await Promise.race([claim, waited]);
    await client.query('ROLLBACK');
    await client.end();
    expect(got).not.toBe('blocked');
    expect((got as { id: number }[]).map((r) => r.id)).toEqual([b?.row.id]);
  });

  it('works from a pool you pass in, and leaves it open', async () => {
    const pool = new pg.Pool({ connectionString: await database(), max: 2 });
    const store = postgresOutbox({ pool, table: `pool${n++}` });
    const [r] = await store.enqueue([newRow({ transactionId: 'cs_pool' })], T0);
    expect((await store.get(r?.row.id as number))?.transactionId).toBe('cs_pool');
    await store.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });

  it('a server that is not there: a typed error that names what to check, never the password', async () => {
    const store = postgresOutbox({ connectionString: 'postgres://me:hunter2@127.0.0.1:1/nope', table: 'x' });
    const error = await store.open().catch((e) => e);
    expect(error).toBeInstanceOf(OutboxError);
    expect(error.code).toBe('outbox_open');
    expect(error.message).toMatch(/Cannot connect to the Postgres outbox: .*ECONNREFUSED.*connection string/);
    expect(error.message).not.toContain('hunter2');
    await store.close();
  });

  it('refuses a schema from a newer clicktrail', async () => {
    const table = `newer${n++}`;
    await (await open(table)).open();
    const client = new pg.Client({ connectionString: await database() });
    await client.connect();
    await client.query(`INSERT INTO ${table}_migrations (version, applied_at) VALUES (7, 0)`);
    await client.end();
    const error = await (await open(table)).open().catch((e) => e);
    expect(error).toMatchObject({ code: 'outbox_schema_newer' });
    expect(error.message).toMatch(/version 7/);
  });

  it('with migrate: false, creates nothing in a database without the outbox, and reads one that has it', async () => {
    const table = `readonly${n++}`;
    const reader = postgresOutbox({ connectionString: await database(), table, migrate: false });
    stores.push(reader);
    const error = await reader.open().catch((e) => e);
    expect(error).toMatchObject({ code: 'outbox_migrate' });
    expect(error.message).toMatch(/has no clicktrail outbox with this table prefix.*Nothing was created/);
    const client = new pg.Client({ connectionString: await database() });
    await client.connect();
    const left = await client.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE '${table}%'`);
    await client.end();
    expect(left.rows).toEqual([]);
    const [r] = await (await open(table)).enqueue([newRow({ transactionId: 'cs_readonly' })], T0);
    const again = postgresOutbox({ connectionString: await database(), table, migrate: false });
    stores.push(again);
    expect((await again.get(r?.row.id as number))?.transactionId).toBe('cs_readonly');
  });

  it('a failed migration is rolled back whole', async () => {
    const table = `broken${n++}`;
    const client = new pg.Client({ connectionString: await database() });
    await client.connect();
    await client.query(`CREATE TABLE ${table}_attempts (x int)`);
    const error = await (await open(table)).open().catch((e) => e);
    expect(error).toMatchObject({ code: 'outbox_migrate' });
    const left = await client.query(
      `SELECT tablename FROM pg_tables WHERE tablename LIKE '${table}%' ORDER BY 1`,
    );
    await client.end();
    expect(left.rows).toEqual([{ tablename: `${table}_attempts` }]);
  });
});

// No PostgreSQL server needed: the peer is a local socket that accepts and never answers.
describe('postgresOutbox connecting to a host that never answers', () => {
  it('refuses a connectTimeoutMs that is not a whole number of ms from 1 when created (0 would be no limit)', () => {
    for (const connectTimeoutMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '100' as never])
      expect(
        () => postgresOutbox({ connectionString: 'postgres://127.0.0.1:1/x', connectTimeoutMs }),
        String(connectTimeoutMs),
      ).toThrow(
        expect.objectContaining({
          code: 'outbox_options',
          message: expect.stringMatching(/^connectTimeoutMs must be/),
        }),
      );
  });

  it('gives up after connectTimeoutMs with outbox_open, instead of hanging the webhook', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const store = postgresOutbox({
      connectionString: `postgres://me:hunter2@127.0.0.1:${port}/shop`,
      connectTimeoutMs: 150,
    });
    try {
      const error = await store.open().catch((e) => e);
      expect(error).toBeInstanceOf(OutboxError);
      expect(error.code).toBe('outbox_open');
      expect(error.message).toMatch(/Cannot connect to the Postgres outbox: .*timeout/i);
      expect(error.message).not.toContain('hunter2');
      // It did reach the socket: the timeout, not a refusal, ended the wait.
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      await store.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
