import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutboxError } from '../../../src/server/outbox/errors';
import { sqliteOutbox } from '../../../src/server/outbox/sqlite';
import { betterSqliteSkip, nodeSqliteSkip, openRaw, pragma } from './fixtures/raw-sqlite';
import { claimRace, firstAttempt, newRow, outboxSuite, T0 } from './suite';

const dir = mkdtempSync(join(tmpdir(), 'clicktrail-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `outbox-${n++}.db`);

outboxSuite(
  'sqlite outbox (better-sqlite3, a file)',
  async () => sqliteOutbox({ path: file(), driver: 'better-sqlite3' }),
  betterSqliteSkip ? { skip: betterSqliteSkip } : {},
);
outboxSuite(
  'sqlite outbox (node:sqlite, a file)',
  async () => sqliteOutbox({ path: file(), driver: 'node:sqlite' }),
  nodeSqliteSkip ? { skip: nodeSqliteSkip } : {},
);

describe('sqliteOutbox', () => {
  it('keeps rows across a close and a reopen, in WAL mode, the acknowledging commit fsynced', async () => {
    const path = file();
    const a = sqliteOutbox({ path });
    const [r] = await a.enqueue([newRow({ transactionId: 'cs_keep' })], T0);
    await a.close();
    const b = sqliteOutbox({ path });
    expect((await b.get(r?.row.id as number))?.transactionId).toBe('cs_keep');
    await b.close();
    const db = openRaw(path, { readonly: true });
    expect(pragma(db, 'journal_mode')).toBe('wal');
    db.close();
    // synchronous is per connection: the commit that acknowledges a conversion runs with FULL (2), an fsync per
    // commit; the worker's bookkeeping with NORMAL (1).
    const own = openRaw(file());
    const c = sqliteOutbox({ database: own });
    await c.open();
    await c.claim({ owner: 'w', now: T0, leaseMs: 1000, limit: 1, rules: ['r1'] });
    expect(pragma(own, 'synchronous')).toBe(1);
    await c.enqueue([newRow()], T0);
    expect(pragma(own, 'synchronous')).toBe(2);
    await c.close();
    // A database passed in is the caller's: close() leaves it open.
    expect(own.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
    own.close();
  });

  it('says which path cannot be opened', async () => {
    const store = sqliteOutbox({ path: join(dir, 'no', 'such', 'dir', 'x.db') });
    const error = await store.open().catch((e) => e);
    expect(error).toBeInstanceOf(OutboxError);
    expect(error).toMatchObject({ code: 'outbox_open' });
    expect(error.message).toContain(join(dir, 'no', 'such', 'dir', 'x.db'));
    expect(error.message).toMatch(/directory exists/);
  });

  it('refuses a schema from a newer clicktrail, and says what to do', async () => {
    const path = file();
    await sqliteOutbox({ path }).open();
    const db = openRaw(path);
    db.prepare('INSERT INTO clicktrail_migrations (version, applied_at) VALUES (2, 0)').run();
    db.close();
    const error = await sqliteOutbox({ path })
      .open()
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'outbox_schema_newer' });
    expect(error.message).toMatch(
      /version 2, newer than this clicktrail understands \(1\).*Upgrade clicktrail/,
    );
  });

  it('with migrate: false, creates nothing in a database without the outbox, and reads one that has it', async () => {
    const path = file();
    openRaw(path).close();
    const error = await sqliteOutbox({ path, migrate: false })
      .open()
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'outbox_migrate' });
    expect(error.message).toMatch(/has no clicktrail outbox with this table prefix.*Nothing was created/);
    const check = openRaw(path, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([]);
    check.close();
    const app = sqliteOutbox({ path });
    const [r] = await app.enqueue([newRow({ transactionId: 'cs_readonly' })], T0);
    await app.close();
    const reader = sqliteOutbox({ path, migrate: false });
    expect((await reader.get(r?.row.id as number))?.transactionId).toBe('cs_readonly');
    await reader.close();
  });

  it('a migration that fails changes nothing and says so', async () => {
    const path = file();
    const db = openRaw(path);
    db.exec('CREATE TABLE clicktrail_outbox (something_else TEXT)');
    db.close();
    const error = await sqliteOutbox({ path })
      .open()
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'outbox_migrate' });
    expect(error.message).toMatch(/already exists.*Nothing was changed/);
    const check = openRaw(path, { readonly: true });
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    check.close();
    expect(tables).toEqual([{ name: 'clicktrail_outbox' }]);
  });

  it('names the missing driver and how to get one', async () => {
    const error = await sqliteOutbox({ path: file(), driver: 'node:sqlite' })
      .open()
      .catch((e) => e);
    if (!nodeSqliteSkip) expect(error).toBeUndefined();
    else {
      expect(error).toMatchObject({ code: 'outbox_driver' });
      expect(error.message).toMatch(/npm install better-sqlite3.*Node ≥ 22\.13/);
    }
  });

  it('several connections opening one new file at once migrate it once; their claims never overlap', async () => {
    const path = file();
    const stores = Array.from({ length: 4 }, () => sqliteOutbox({ path }));
    await Promise.all(stores.map((s) => s.open()));
    const db = openRaw(path, { readonly: true });
    expect(db.prepare('SELECT version FROM clicktrail_migrations').all()).toEqual([{ version: 1 }]);
    db.close();
    const [first] = stores as [ReturnType<typeof sqliteOutbox>];
    await first.enqueue(
      Array.from({ length: 40 }, () => newRow()),
      T0,
    );
    const ids = await claimRace(stores, 5, 3);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('prunes a large backlog in short transactions: a webhook commit gets through before it ends', async () => {
    const store = sqliteOutbox({ path: file() });
    const rows = Array.from({ length: 3_000 }, () => newRow());
    await store.enqueue(rows, T0);
    const claimed = await store.claim({ owner: 'w', now: T0, leaseMs: 1000, limit: 3_000, rules: ['r1'] });
    await store.finish(
      claimed.map((r) => firstAttempt(r.id, 'w', 'delivered', T0)),
      T0,
    );
    const order: string[] = [];
    const pruning = store.prune({ now: T0 + 10_000, deliveredMs: 1 }).then((n) => order.push(`pruned ${n}`));
    const committing = store.enqueue([newRow()], T0 + 10_000).then(() => order.push('committed'));
    await Promise.all([pruning, committing]);
    // One long transaction would have made the commit wait for the whole prune.
    expect(order).toEqual(['committed', 'pruned 3000']);
    await store.close();
  });

  it('checks its options', () => {
    expect(() => sqliteOutbox({})).toThrow(expect.objectContaining({ code: 'outbox_options' }));
    expect(() => sqliteOutbox({ path: 'x.db', table: 'x; DROP TABLE y' })).toThrow(/plain SQL name/);
    for (const busyTimeoutMs of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '100' as never])
      expect(() => sqliteOutbox({ path: 'x.db', busyTimeoutMs }), String(busyTimeoutMs)).toThrow(
        expect.objectContaining({
          code: 'outbox_options',
          message: expect.stringMatching(/^busyTimeoutMs must be/),
        }),
      );
    // 0 is SQLite's "do not wait": a valid choice.
    expect(() => sqliteOutbox({ path: 'x.db', busyTimeoutMs: 0 })).not.toThrow();
  });
});
