// The SQLite outbox: a file, no server. better-sqlite3 (an optional peer) or Node's own node:sqlite, both
// synchronous with the same prepare/run/get/all shape. WAL and synchronous=FULL: a commit is on disk (fsynced)
// when enqueue resolves, which is when the webhook may answer 200. Writes arriving together share a transaction.
import {
  createWatchers,
  type EnqueueCall,
  type FinishCall,
  groupedWrites,
  PRUNE_BATCH,
  pruneInBatches,
  sortedIds,
} from './batch';
import { INSERT_COLUMNS, insertValues, toAttempt, toRow, toStats } from './columns';
import { causeText, checkStoreMs, OutboxError } from './errors';
import { pendingMigrations, sqliteMigrations, tableNames } from './migrations';
import { openOnce } from './open-once';
import { normalizeQuery, toPage, whereClause } from './query';
import { type AttemptRecord, type EnqueueResult, INTERRUPTED, type OutboxStore } from './row';

/** A prepared statement, as better-sqlite3 and node:sqlite both have it. */
export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** An open SQLite database: a better-sqlite3 `Database` or a node:sqlite `DatabaseSync`. */
export interface SqliteDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
  close(): unknown;
}

/** Options of sqliteOutbox: a `path` to open, or an open `database`. */
export interface SqliteOutboxOptions {
  /** The database file (created when missing; its directory must exist). `':memory:'` for a throwaway one. */
  path?: string;
  /** An open database (better-sqlite3 `Database` or node:sqlite `DatabaseSync`) instead of a path; left open on close(). */
  database?: SqliteDatabase;
  /** With `path`: which driver opens it. Default: better-sqlite3 when installed, else node:sqlite (Node ≥ 22.13). */
  driver?: 'better-sqlite3' | 'node:sqlite';
  /** Table name prefix: `<table>_outbox`, `<table>_attempts`, `<table>_migrations`. Default `'clicktrail'`. */
  table?: string;
  /**
   * How long a write waits for another process's transaction (another worker, `clicktrail replay`), in whole ms (0:
   * not at all). Default 5,000.
   */
  busyTimeoutMs?: number;
  /**
   * Run the schema migrations the database lacks when the store opens. Default true. False for tools that must not
   * change the schema the app runs on (`clicktrail log`): a database that needs migrating (or has no outbox yet) is
   * refused with OutboxError `outbox_migrate`, and nothing is created.
   */
  migrate?: boolean;
}

type Driver = NonNullable<SqliteOutboxOptions['driver']>;

// Drivers are loaded when the store opens, never at import: bundles for the edge or the browser stay free of them.
const loadDriver = async (driver: Driver | undefined, path: string): Promise<SqliteDatabase> => {
  const tried: string[] = [];
  if (driver !== 'node:sqlite') {
    let Database: (new (path: string) => SqliteDatabase) | undefined;
    try {
      const mod = (await import('better-sqlite3')) as { default?: unknown };
      Database = (mod.default ?? mod) as new (path: string) => SqliteDatabase;
    } catch (e) {
      tried.push(`better-sqlite3 (${causeText(e)})`);
    }
    if (Database) {
      try {
        return new (Database as new (path: string) => SqliteDatabase)(path);
      } catch (e) {
        // Its native addon loads on first use: built for another Node (after an upgrade), it fails here. That is a
        // driver problem (node:sqlite may do), not a file problem.
        const native = /NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|better_sqlite3\.node|bindings/i.test(
          `${(e as { code?: string })?.code} ${causeText(e)}`,
        );
        if (!native) throw openError(e, path);
        if (driver === 'better-sqlite3')
          throw new OutboxError(
            'outbox_driver',
            `better-sqlite3 cannot load its native addon: ${causeText(e)}. Rebuild it for this Node ` +
              "(npm rebuild better-sqlite3), or use driver: 'node:sqlite'.",
            { cause: e },
          );
        tried.push(`better-sqlite3 (${causeText(e)})`);
      }
    }
  }
  if (driver !== 'better-sqlite3') {
    let DatabaseSync: (new (path: string) => SqliteDatabase) | undefined;
    try {
      const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
      const mod = proc?.getBuiltinModule?.('node:sqlite') as
        | { DatabaseSync?: new (path: string) => SqliteDatabase }
        | undefined;
      DatabaseSync = mod?.DatabaseSync;
      if (!DatabaseSync) tried.push('node:sqlite (not in this runtime)');
    } catch (e) {
      tried.push(`node:sqlite (${causeText(e)})`);
    }
    if (DatabaseSync)
      return open(() => new (DatabaseSync as new (path: string) => SqliteDatabase)(path), path);
  }
  throw new OutboxError(
    'outbox_driver',
    `No SQLite driver: install better-sqlite3 (npm install better-sqlite3), or run on Node ≥ 22.13 for node:sqlite, ` +
      `or pass an open database. Tried: ${tried.join('; ')}.`,
  );
};

const openError = (e: unknown, path: string): OutboxError =>
  new OutboxError(
    'outbox_open',
    `Cannot open the SQLite outbox at ${path}: ${causeText(e)}. Check that its directory exists and is writable.`,
    { cause: e },
  );

const open = (make: () => SqliteDatabase, path: string): SqliteDatabase => {
  try {
    return make();
  } catch (e) {
    throw openError(e, path);
  }
};

const bind = (values: readonly unknown[]): unknown[] => values.map((v) => (v === undefined ? null : v));

/**
 * The SQLite outbox (clicktrail/server/sqlite). Opens lazily on first use (or `await outbox.open()` to fail fast at
 * startup), runs the schema migrations, sets WAL and `synchronous=FULL`. One file serves any number of processes
 * on one machine (workers lease rows; writes wait up to busyTimeoutMs for each other).
 */
export const sqliteOutbox = (options: SqliteOutboxOptions = {}): OutboxStore => {
  if (!options.database && !options.path)
    throw new OutboxError(
      'outbox_options',
      "sqliteOutbox needs a path (e.g. 'postbacks.db') or an open database",
    );
  checkStoreMs('busyTimeoutMs', options.busyTimeoutMs, 0);
  const prefix = options.table ?? 'clicktrail';
  const t = tableNames(prefix);
  const where = options.path ?? 'the SQLite database';
  const watchers = createWatchers();
  let db: SqliteDatabase | undefined;
  const statements = new Map<string, SqliteStatement>();

  const prepare = (sql: string): SqliteStatement => {
    let s = statements.get(sql);
    if (!s) {
      if (statements.size > 200) statements.clear();
      s = (db as SqliteDatabase).prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const run = (sql: string, ...params: unknown[]) => prepare(sql).run(...bind(params));
  const get = (sql: string, ...params: unknown[]) =>
    prepare(sql).get(...bind(params)) as Record<string, unknown> | undefined;
  const all = (sql: string, ...params: unknown[]) =>
    prepare(sql).all(...bind(params)) as Record<string, unknown>[];

  // The commit that acknowledges a conversion (enqueue) is fsynced (synchronous=FULL): it survives a power loss.
  // The worker's bookkeeping (claims, attempts) runs with NORMAL, which in WAL mode skips that fsync: after a power
  // loss (not a process crash) it may roll back, and the row is then sent again: at-least-once, as ever, at a
  // fraction of the cost. The next FULL commit syncs the whole WAL, earlier NORMAL frames included.
  let synchronous: 'FULL' | 'NORMAL' | undefined;
  // BEGIN IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock.
  const transaction = <T>(fn: () => T, durability: 'FULL' | 'NORMAL' = 'NORMAL'): T => {
    const d = db as SqliteDatabase;
    if (synchronous !== durability) {
      d.exec(`PRAGMA synchronous = ${durability}`);
      synchronous = durability;
    }
    d.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      d.exec('COMMIT');
      return out;
    } catch (e) {
      try {
        d.exec('ROLLBACK');
      } catch {
        // Already rolled back (SQLite does on some errors); the first error is the one to report.
      }
      throw e;
    }
  };

  const allowMigrate = options.migrate ?? true;
  const migrate = (d: SqliteDatabase) => {
    const busy = options.busyTimeoutMs ?? 5000;
    try {
      d.exec(`PRAGMA busy_timeout = ${busy}`);
      d.exec('PRAGMA journal_mode = WAL');
      d.exec('PRAGMA synchronous = FULL');
      synchronous = 'FULL';
    } catch (e) {
      throw new OutboxError('outbox_open', `Cannot set up the SQLite outbox at ${where}: ${causeText(e)}`, {
        cause: e,
      });
    }
    try {
      transaction(() => {
        if (allowMigrate)
          d.exec(
            `CREATE TABLE IF NOT EXISTS ${t.migrations} (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`,
          );
        const present = d
          .prepare("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = ?")
          .get(t.migrations);
        const found = present
          ? Number(
              (d.prepare(`SELECT max(version) AS v FROM ${t.migrations}`).get() as { v: unknown } | undefined)
                ?.v ?? 0,
            )
          : 0;
        for (const m of pendingMigrations(sqliteMigrations(prefix), found, where, allowMigrate)) {
          for (const sql of m.statements) d.exec(sql);
          d.prepare(`INSERT INTO ${t.migrations} (version, applied_at) VALUES (?, ?)`).run(
            m.version,
            Date.now(),
          );
        }
      });
    } catch (e) {
      if (e instanceof OutboxError) throw e;
      throw new OutboxError(
        'outbox_migrate',
        `Cannot migrate the SQLite outbox at ${where}: ${causeText(e)}. Nothing was changed; check that the file ` +
          'is writable and not locked by a long transaction, then restart.',
        { cause: e },
      );
    }
  };

  const connection = openOnce(async () => {
    const d = options.database ?? (await loadDriver(options.driver, options.path as string));
    db = d;
    try {
      migrate(d);
    } catch (e) {
      if (!options.database) d.close();
      db = undefined;
      throw e;
    }
    return d;
  });
  const ready = connection.ready;

  // Every query error becomes an OutboxError naming the store; ours pass through.
  const use = async <T>(fn: () => T): Promise<T> => {
    await ready();
    try {
      return fn();
    } catch (e) {
      if (e instanceof OutboxError) throw e;
      throw new OutboxError('outbox_query', `SQLite outbox query failed: ${causeText(e)}`, { cause: e });
    }
  };

  const insert = `INSERT INTO ${t.outbox} (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})
    ON CONFLICT (transaction_id, rule) DO NOTHING RETURNING *`;
  const flushEnqueue = (calls: EnqueueCall[]): Promise<EnqueueResult[][]> =>
    use(() =>
      transaction(
        () =>
          calls.map(({ rows, now }) =>
            rows.map((n): EnqueueResult => {
              const added = get(insert, ...insertValues(n, now));
              if (added) return { row: toRow(added), inserted: true };
              const existing = get(
                `SELECT * FROM ${t.outbox} WHERE transaction_id = ? AND rule = ?`,
                n.transactionId,
                n.rule,
              );
              return { row: toRow(existing as Record<string, unknown>), inserted: false };
            }),
          ),
        'FULL',
      ),
    );

  const finishOne = (r: AttemptRecord, now: number): boolean => {
    const a = r.attempt;
    run(
      `INSERT INTO ${t.attempts} (outbox_id, attempt, started_at, duration_ms, url, http_status, error, outcome, owner)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM ${t.outbox} WHERE id = ?)`,
      r.rowId,
      a.attempt,
      a.startedAt,
      a.durationMs,
      a.url,
      a.httpStatus,
      a.error,
      a.outcome,
      r.owner,
      r.rowId,
    );
    const updated = get(
      `UPDATE ${t.outbox} SET status = ?, url = ?, updated_at = ?, lease_owner = NULL, last_http_status = ?,
         last_error = ?, next_attempt_at = ?, delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
       WHERE id = ? AND status = 'delivering' AND lease_owner = ? AND attempts = ? RETURNING id`,
      r.status,
      r.url,
      now,
      a.httpStatus,
      a.error,
      r.status === 'pending' ? (r.nextAttemptAt ?? now) : null,
      r.status,
      now,
      r.rowId,
      r.owner,
      a.attempt,
    );
    return updated !== undefined;
  };
  const flushFinish = (calls: FinishCall[]): Promise<boolean[][]> =>
    use(() => transaction(() => calls.map(({ results, now }) => results.map((r) => finishOne(r, now)))));

  return {
    kind: 'sqlite',
    get durable() {
      return options.path !== ':memory:';
    },
    async open() {
      await ready();
    },

    ...groupedWrites(flushEnqueue, flushFinish, watchers.notify),

    claim({ owner, now, leaseMs, limit, rules }) {
      return use(() =>
        transaction(() => {
          const due = all(
            `SELECT * FROM ${t.outbox} WHERE status IN ('pending', 'delivering') AND next_attempt_at <= ?
               AND rule IN (SELECT value FROM json_each(?)) ORDER BY next_attempt_at, id LIMIT ?`,
            now,
            JSON.stringify(rules),
            Math.max(0, limit),
          );
          return due.map((raw) => {
            const before = toRow(raw);
            if (before.status === 'delivering')
              run(
                `INSERT INTO ${t.attempts} (outbox_id, attempt, started_at, duration_ms, url, http_status, error, outcome, owner)
                 VALUES (?, ?, ?, 0, ?, NULL, ?, 'interrupted', ?)`,
                before.id,
                before.attempts,
                now,
                before.url,
                INTERRUPTED,
                before.leaseOwner,
              );
            return toRow(
              get(
                `UPDATE ${t.outbox} SET status = 'delivering', attempts = attempts + 1, lease_owner = ?,
                   next_attempt_at = ?, updated_at = ? WHERE id = ? RETURNING *`,
                owner,
                now + leaseMs,
                now,
                before.id,
              ) as Record<string, unknown>,
            );
          });
        }),
      );
    },

    extend(ids, owner, until, now) {
      if (!ids.length) return Promise.resolve([]);
      return use(() =>
        transaction(() =>
          all(
            `UPDATE ${t.outbox} SET next_attempt_at = ?, updated_at = ?
             WHERE id IN (SELECT value FROM json_each(?)) AND status = 'delivering' AND lease_owner = ? RETURNING id`,
            until,
            now,
            JSON.stringify(ids),
            owner,
          ),
        ),
      ).then(sortedIds);
    },

    async release(ids, owner, now) {
      if (!ids.length) return;
      await use(() =>
        run(
          `UPDATE ${t.outbox} SET status = 'pending', attempts = max(schedule_start, attempts - 1), next_attempt_at = ?,
             updated_at = ?, lease_owner = NULL
           WHERE id IN (SELECT value FROM json_each(?)) AND status = 'delivering' AND lease_owner = ?`,
          now,
          now,
          JSON.stringify(ids),
          owner,
        ),
      );
      watchers.notify();
    },

    async list(query) {
      const q = normalizeQuery(query);
      const w = whereClause(q, () => '?');
      const rows = await use(() =>
        all(`SELECT * FROM ${t.outbox} WHERE ${w.sql} ORDER BY id DESC LIMIT ?`, ...w.params, q.limit + 1),
      );
      return toPage(rows.map(toRow), q.limit);
    },

    async get(id) {
      const raw = await use(() => get(`SELECT * FROM ${t.outbox} WHERE id = ?`, id));
      return raw && toRow(raw);
    },

    async attempts(id) {
      const rows = await use(() => all(`SELECT * FROM ${t.attempts} WHERE outbox_id = ? ORDER BY id`, id));
      return rows.map(toAttempt);
    },

    async stats() {
      return toStats(await use(() => all(`SELECT status, count(*) AS n FROM ${t.outbox} GROUP BY status`)));
    },

    async replay(selector, now) {
      const set = `SET status = 'pending', next_attempt_at = ?, replays = replays + 1, schedule_start = attempts,
        updated_at = ?, lease_owner = NULL`;
      const rows = await use(() =>
        transaction(
          () =>
            'ids' in selector
              ? all(
                  `UPDATE ${t.outbox} ${set} WHERE id IN (SELECT value FROM json_each(?))
                   AND status IN ('failed', 'skipped', 'delivered') RETURNING id`,
                  now,
                  now,
                  JSON.stringify(selector.ids.map(Number)),
                )
              : all(
                  `UPDATE ${t.outbox} ${set} WHERE status = 'failed'
                   AND (? IS NULL OR rule IN (SELECT value FROM json_each(?))) RETURNING id`,
                  now,
                  now,
                  selector.rule === undefined ? null : 1,
                  JSON.stringify(selector.rule === undefined ? [] : [selector.rule].flat()),
                ),
          'FULL',
        ),
      );
      const ids = sortedIds(rows);
      if (ids.length) watchers.notify();
      return ids;
    },

    prune({ now, deliveredMs, failedMs }) {
      const old = `(status IN ('delivered', 'skipped') AND ? IS NOT NULL AND updated_at < ? - ?)
        OR (status = 'failed' AND ? IS NOT NULL AND updated_at < ? - ?)`;
      const params = [deliveredMs ?? null, now, deliveredMs ?? 0, failedMs ?? null, now, failedMs ?? 0];
      // Each batch its own transaction: pruning a large backlog must not hold the write lock (every webhook's
      // commit waits for it) for its whole length.
      return pruneInBatches(() =>
        use(() =>
          transaction(() => {
            const ids = JSON.stringify(
              all(`SELECT id FROM ${t.outbox} WHERE ${old} LIMIT ${PRUNE_BATCH}`, ...params).map((r) => r.id),
            );
            run(`DELETE FROM ${t.attempts} WHERE outbox_id IN (SELECT value FROM json_each(?))`, ids);
            return all(
              `DELETE FROM ${t.outbox} WHERE id IN (SELECT value FROM json_each(?)) RETURNING id`,
              ids,
            ).length;
          }),
        ),
      );
    },

    watch: watchers.watch,

    async close() {
      const d = await connection.close();
      statements.clear();
      if (d && !options.database) d.close();
      db = undefined;
    },
  };
};
