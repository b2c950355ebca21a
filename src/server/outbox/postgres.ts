// The PostgreSQL outbox, for several app instances or worker processes on one outbox: workers claim due rows with
// SELECT … FOR UPDATE SKIP LOCKED, so no row is ever leased to two of them. Plain statements only (no session
// state, no named prepared statements, transaction-scoped locks), so it also works through PgBouncer-style poolers
// in transaction mode (Supabase, Neon's pooled endpoint).
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
import { pendingMigrations, postgresMigrations, tableNames } from './migrations';
import { openOnce } from './open-once';
import { normalizeQuery, toPage, whereClause } from './query';
import { type EnqueueResult, INTERRUPTED, type NewOutboxRow, type OutboxRow, type OutboxStore } from './row';

/** What a query resolves to, as node-postgres has it. */
export interface PgResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
}

/** A pg client checked out of a pool. */
export interface PgPoolClient {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  release(error?: Error | boolean): void;
}

/** A node-postgres `Pool` (or anything with its query/connect/end). */
export interface PgPool {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
}

/** Options of postgresOutbox: a `connectionString`, or a `pool` you already have. */
export interface PostgresOutboxOptions {
  /** `postgres://user:password@host:5432/db?sslmode=require`, as Neon, Supabase, RDS or a local server give it. */
  connectionString?: string;
  /** An existing `pg.Pool`, instead of a connection string; left open on close(). */
  pool?: PgPool;
  /** Connections in the pool this store creates. Default 4. */
  max?: number;
  /**
   * How long to wait for a connection (TCP, TLS and authentication) before the store's call fails with OutboxError
   * `outbox_open` (when opening) or `outbox_query`, in whole ms from 1, for the pool this store creates. Default
   * 10,000: without a limit, node-postgres waits forever on an unreachable host, and a webhook would hang with it.
   */
  connectTimeoutMs?: number;
  /** Table name prefix: `<table>_outbox`, `<table>_attempts`, `<table>_migrations`. Default `'clicktrail'`. */
  table?: string;
  /**
   * Run the schema migrations the database lacks when the store opens. Default true. False for tools that must not
   * change the schema the app runs on (`clicktrail log`): a database that needs migrating (or has no outbox yet) is
   * refused with OutboxError `outbox_migrate`, and nothing is created.
   */
  migrate?: boolean;
}

// The type each inserted column's array is sent as (unnest takes one array per column); the others are text.
const PG_TYPES: Partial<Record<(typeof INSERT_COLUMNS)[number], string>> = {
  amount: 'float8',
  next_attempt_at: 'int8',
  created_at: 'int8',
  updated_at: 'int8',
};

/** postgresOutbox's default `connectTimeoutMs`. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

// Any constant works: it only has to be the same in every process migrating this outbox.
const MIGRATION_LOCK = 'clicktrail outbox migrations';

/**
 * The PostgreSQL outbox (clicktrail/server/postgres), through node-postgres (`pg`, an optional peer). Connects
 * lazily on first use (or `await outbox.open()` to fail fast at startup) and runs the schema migrations once,
 * however many processes start together.
 */
export const postgresOutbox = (options: PostgresOutboxOptions): OutboxStore => {
  if (!options?.pool && !options?.connectionString)
    throw new OutboxError(
      'outbox_options',
      'postgresOutbox needs a connectionString (e.g. process.env.DATABASE_URL) or a pg Pool',
    );
  // 0 would be node-postgres's "no limit": the very wait this option exists to end.
  checkStoreMs('connectTimeoutMs', options.connectTimeoutMs, 1);
  const prefix = options.table ?? 'clicktrail';
  const t = tableNames(prefix);
  const watchers = createWatchers();

  const createPool = async (): Promise<PgPool> => {
    let Pool: new (
      config: Record<string, unknown>,
    ) => PgPool & {
      on(event: 'error', listener: (e: Error) => void): unknown;
    };
    try {
      const mod = (await import('pg')) as { default?: { Pool?: unknown }; Pool?: unknown };
      Pool = (mod.Pool ?? mod.default?.Pool) as typeof Pool;
      if (!Pool) throw new Error('pg has no Pool export');
    } catch (e) {
      throw new OutboxError(
        'outbox_driver',
        `The Postgres outbox needs node-postgres: npm install pg (${causeText(e)}).`,
        { cause: e },
      );
    }
    const p = new Pool({
      connectionString: options.connectionString,
      max: options.max ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
    // An idle connection the server drops emits 'error' on the pool; unheard, that would end the process.
    // The next query reconnects, or fails with a typed error.
    p.on('error', () => undefined);
    return p;
  };

  const allowMigrate = options.migrate ?? true;
  const migrate = async (p: PgPool) => {
    let client: PgPoolClient;
    try {
      client = await p.connect();
    } catch (e) {
      throw new OutboxError(
        'outbox_open',
        `Cannot connect to the Postgres outbox: ${causeText(e)}. Check the connection string (host, port, user, ` +
          'password, database; hosted databases usually need ?sslmode=require) and that the server is up.',
        { cause: e },
      );
    }
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${MIGRATION_LOCK}:${prefix}`]);
      if (allowMigrate)
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${t.migrations} (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`,
        );
      const present = (await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [t.migrations]))
        .rows[0]?.present;
      const found = present
        ? Number((await client.query(`SELECT max(version) AS v FROM ${t.migrations}`)).rows[0]?.v ?? 0)
        : 0;
      const pending = pendingMigrations(
        postgresMigrations(prefix),
        found,
        'The Postgres database',
        allowMigrate,
      );
      for (const m of pending) {
        for (const sql of m.statements) await client.query(sql);
        await client.query(`INSERT INTO ${t.migrations} (version, applied_at) VALUES ($1, $2)`, [
          m.version,
          Date.now(),
        ]);
      }
      await client.query('COMMIT');
      client.release();
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      if (e instanceof OutboxError) throw e;
      throw new OutboxError(
        'outbox_migrate',
        `Cannot migrate the Postgres outbox: ${causeText(e)}. Nothing was changed (migrations run in one ` +
          'transaction); the user needs CREATE rights on the schema the first time.',
        { cause: e },
      );
    }
  };

  const connection = openOnce(async () => {
    const p = options.pool ?? (await createPool());
    try {
      await migrate(p);
    } catch (e) {
      if (!options.pool) await p.end().catch(() => undefined);
      throw e;
    }
    return p;
  });
  const ready = connection.ready;

  const query = async (text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> => {
    const p = await ready();
    try {
      return (await p.query(text, values)).rows;
    } catch (e) {
      throw new OutboxError('outbox_query', `Postgres outbox query failed: ${causeText(e)}`, { cause: e });
    }
  };

  const flushEnqueue = async (calls: EnqueueCall[]): Promise<EnqueueResult[][]> => {
    const key = (tx: string, rule: string) => `${tx}\u0000${rule}`;
    // The first occurrence of a key inserts; any later one in the batch (a concurrent redelivery) finds it.
    const firsts = new Map<string, NewOutboxRow & { now: number }>();
    for (const { rows, now } of calls)
      for (const r of rows)
        if (!firsts.has(key(r.transactionId, r.rule)))
          firsts.set(key(r.transactionId, r.rule), { ...r, now });
    // In key order: two instances inserting overlapping keys (a redelivery reaching both) take the unique index's
    // locks in the same order, so they wait for each other instead of deadlocking.
    const values = [...firsts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, r]) => insertValues(r, r.now));
    const columns = INSERT_COLUMNS.map((_, i) => values.map((v) => v[i]));
    const casts = INSERT_COLUMNS.map((c) => (c === 'conversion' || c === 'missing' ? `${c}::jsonb` : c));
    const inserted = await query(
      `INSERT INTO ${t.outbox} (${INSERT_COLUMNS.join(', ')})
       SELECT ${casts.join(', ')} FROM unnest(${INSERT_COLUMNS.map((c, i) => `$${i + 1}::${PG_TYPES[c] ?? 'text'}[]`).join(', ')})
         AS n(${INSERT_COLUMNS.join(', ')})
       ON CONFLICT (transaction_id, rule) DO NOTHING RETURNING *`,
      columns,
    );
    const found = new Map<string, { row: OutboxRow; inserted: boolean }>();
    for (const raw of inserted) {
      const row = toRow(raw);
      found.set(key(row.transactionId, row.rule), { row, inserted: true });
    }
    const missing = [...firsts.values()].filter((r) => !found.has(key(r.transactionId, r.rule)));
    if (missing.length) {
      const existing = await query(
        `SELECT o.* FROM ${t.outbox} o JOIN unnest($1::text[], $2::text[]) AS k(tx, rule)
           ON o.transaction_id = k.tx AND o.rule = k.rule`,
        [missing.map((r) => r.transactionId), missing.map((r) => r.rule)],
      );
      for (const raw of existing) {
        const row = toRow(raw);
        found.set(key(row.transactionId, row.rule), { row, inserted: false });
      }
    }
    const given = new Set<string>();
    return calls.map(({ rows }) =>
      rows.map((r): EnqueueResult => {
        const k = key(r.transactionId, r.rule);
        const hit = found.get(k);
        if (!hit)
          throw new OutboxError('outbox_query', `Postgres outbox: row ${r.rule}/${r.transactionId} vanished`);
        const first = hit.inserted && !given.has(k);
        given.add(k);
        return { row: hit.row, inserted: first };
      }),
    );
  };

  const flushFinish = async (calls: FinishCall[]): Promise<boolean[][]> => {
    const all = calls.flatMap(({ results, now }) => results.map((r) => ({ ...r, now })));
    const col = <T>(f: (r: (typeof all)[number]) => T) => all.map(f);
    const updated = await query(
      `WITH r AS (
         SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::int4[], $7::text[],
           $8::int4[], $9::int8[], $10::float8[], $11::text[], $12::int8[])
           AS r(id, owner, status, url, next_at, http_status, error, attempt, started_at, duration_ms, outcome, now)
       ), ins AS (
         INSERT INTO ${t.attempts} (outbox_id, attempt, started_at, duration_ms, url, http_status, error, outcome, owner)
         SELECT r.id, r.attempt, r.started_at, r.duration_ms, r.url, r.http_status, r.error, r.outcome, r.owner
         FROM r WHERE EXISTS (SELECT 1 FROM ${t.outbox} o WHERE o.id = r.id)
       )
       UPDATE ${t.outbox} o SET status = r.status, url = r.url, updated_at = r.now, lease_owner = NULL,
         last_http_status = r.http_status, last_error = r.error, next_attempt_at = r.next_at,
         delivered_at = CASE WHEN r.status = 'delivered' THEN r.now ELSE o.delivered_at END
       FROM r WHERE o.id = r.id AND o.status = 'delivering' AND o.lease_owner = r.owner AND o.attempts = r.attempt
       RETURNING o.id, r.owner, r.attempt`,
      [
        col((r) => r.rowId),
        col((r) => r.owner),
        col((r) => r.status),
        col((r) => r.url),
        col((r) => (r.status === 'pending' ? (r.nextAttemptAt ?? r.now) : null)),
        col((r) => r.attempt.httpStatus ?? null),
        col((r) => r.attempt.error ?? null),
        col((r) => r.attempt.attempt),
        col((r) => r.attempt.startedAt),
        col((r) => r.attempt.durationMs),
        col((r) => r.attempt.outcome),
        col((r) => r.now),
      ],
    );
    const lease = (id: unknown, owner: unknown, attempt: unknown) => `${id}\u0000${owner}\u0000${attempt}`;
    const held = new Set(updated.map((u) => lease(u.id, u.owner, u.attempt)));
    return calls.map(({ results }) =>
      results.map((r) => held.has(lease(r.rowId, r.owner, r.attempt.attempt))),
    );
  };

  return {
    kind: 'postgres',
    durable: true,
    async open() {
      await ready();
    },

    ...groupedWrites(flushEnqueue, flushFinish, watchers.notify),

    async claim({ owner, now, leaseMs, limit, rules }) {
      const rows = await query(
        `WITH due AS (
           SELECT id, status AS was, attempts AS was_attempts, lease_owner AS was_owner, url AS was_url,
             next_attempt_at AS was_due
           FROM ${t.outbox}
           WHERE status IN ('pending', 'delivering') AND next_attempt_at <= $1 AND rule = ANY($2::text[])
           ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
         ), lost AS (
           INSERT INTO ${t.attempts} (outbox_id, attempt, started_at, duration_ms, url, outcome, error, owner)
           SELECT id, was_attempts, $1, 0, was_url, 'interrupted', $6, was_owner FROM due WHERE was = 'delivering'
         )
         UPDATE ${t.outbox} o SET status = 'delivering', attempts = o.attempts + 1, lease_owner = $4,
           next_attempt_at = $5, updated_at = $1
         FROM due WHERE o.id = due.id RETURNING o.*, due.was_due`,
        [now, [...rules], Math.max(0, limit), owner, now + leaseMs, INTERRUPTED],
      );
      return rows
        .sort((a, b) => Number(a.was_due) - Number(b.was_due) || Number(a.id) - Number(b.id))
        .map(toRow);
    },

    async extend(ids, owner, until, now) {
      if (!ids.length) return [];
      const rows = await query(
        `UPDATE ${t.outbox} SET next_attempt_at = $1, updated_at = $2
         WHERE id = ANY($3::int8[]) AND status = 'delivering' AND lease_owner = $4 RETURNING id`,
        [until, now, [...ids], owner],
      );
      return sortedIds(rows);
    },

    async release(ids, owner, now) {
      if (!ids.length) return;
      await query(
        `UPDATE ${t.outbox} SET status = 'pending', attempts = GREATEST(schedule_start, attempts - 1),
           next_attempt_at = $1, updated_at = $1, lease_owner = NULL
         WHERE id = ANY($2::int8[]) AND status = 'delivering' AND lease_owner = $3`,
        [now, [...ids], owner],
      );
      watchers.notify();
    },

    async list(q0) {
      const q = normalizeQuery(q0);
      const w = whereClause(q, (i) => `$${i}`);
      const rows = await query(
        `SELECT * FROM ${t.outbox} WHERE ${w.sql} ORDER BY id DESC LIMIT $${w.params.length + 1}`,
        [...w.params, q.limit + 1],
      );
      return toPage(rows.map(toRow), q.limit);
    },

    async get(id) {
      if (!Number.isSafeInteger(id)) return undefined;
      const [raw] = await query(`SELECT * FROM ${t.outbox} WHERE id = $1`, [id]);
      return raw && toRow(raw);
    },

    async attempts(id) {
      if (!Number.isSafeInteger(id)) return [];
      const rows = await query(`SELECT * FROM ${t.attempts} WHERE outbox_id = $1 ORDER BY id`, [id]);
      return rows.map(toAttempt);
    },

    async stats() {
      return toStats(await query(`SELECT status, count(*) AS n FROM ${t.outbox} GROUP BY status`));
    },

    async replay(selector, now) {
      const set = `SET status = 'pending', next_attempt_at = $1, replays = replays + 1, schedule_start = attempts,
        updated_at = $1, lease_owner = NULL`;
      const rows =
        'ids' in selector
          ? await query(
              `UPDATE ${t.outbox} ${set} WHERE id = ANY($2::int8[])
                 AND status IN ('failed', 'skipped', 'delivered') RETURNING id`,
              [now, selector.ids.map(Number).filter(Number.isSafeInteger)],
            )
          : await query(
              `UPDATE ${t.outbox} ${set} WHERE status = 'failed' AND ($2::text[] IS NULL OR rule = ANY($2::text[]))
               RETURNING id`,
              [now, selector.rule === undefined ? null : [selector.rule].flat()],
            );
      const ids = sortedIds(rows);
      if (ids.length) watchers.notify();
      return ids;
    },

    prune({ now, deliveredMs, failedMs }) {
      // Each batch one statement, so one short transaction: a large backlog is not one long delete holding its row
      // locks (and growing the WAL) until the end.
      return pruneInBatches(async () => {
        const [r] = await query(
          `WITH gone AS (
             DELETE FROM ${t.outbox} WHERE id IN (
               SELECT id FROM ${t.outbox} WHERE
                 (status IN ('delivered', 'skipped') AND $2::int8 IS NOT NULL AND updated_at < $1 - $2::int8)
                 OR (status = 'failed' AND $3::int8 IS NOT NULL AND updated_at < $1 - $3::int8)
               LIMIT $4)
             RETURNING id
           ), a AS (DELETE FROM ${t.attempts} WHERE outbox_id IN (SELECT id FROM gone))
           SELECT count(*) AS n FROM gone`,
          [now, deliveredMs ?? null, failedMs ?? null, PRUNE_BATCH],
        );
        return Number(r?.n ?? 0);
      });
    },

    watch: watchers.watch,

    async close() {
      const p = await connection.close();
      if (p && !options.pool) await p.end().catch(() => undefined);
    },
  };
};
