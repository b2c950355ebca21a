// The outbox schema, as numbered migrations per engine. A store runs the ones a database lacks when it opens, in
// one transaction, under a lock (SQLite: BEGIN IMMEDIATE; Postgres: an advisory transaction lock), so several
// processes starting at once migrate it exactly once. Never edit a released migration: add the next one.
//
// Times are epoch milliseconds (BIGINT / INTEGER) on both engines: every time comes from the application's clock,
// the same one that decides when a row is due, so a test's clock (or a skewed host) cannot disagree with the database's.
import { OutboxError } from './errors';

/** One schema step. */
export interface Migration {
  version: number;
  /** Statements, run in order. */
  statements: string[];
}

/** The table names for a prefix (`clicktrail` → `clicktrail_outbox`, `clicktrail_attempts`, `clicktrail_migrations`). */
export const tableNames = (prefix: string) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(prefix))
    throw new OutboxError(
      'outbox_options',
      `table must be a plain SQL name (letters, digits, _; at most 41 characters), got '${prefix}'`,
    );
  return {
    outbox: `${prefix}_outbox`,
    attempts: `${prefix}_attempts`,
    migrations: `${prefix}_migrations`,
  };
};

/** The column types of one engine, which the one schema below is written in. */
interface EngineTypes {
  /** The row id: increasing, never reused. */
  id: string;
  /** Epoch milliseconds, and ids referring to a row. */
  bigint: string;
  real: string;
  json: string;
}

const SQLITE_TYPES: EngineTypes = {
  id: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  bigint: 'INTEGER',
  real: 'REAL',
  json: 'TEXT',
};

const POSTGRES_TYPES: EngineTypes = {
  id: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  bigint: 'BIGINT',
  real: 'DOUBLE PRECISION',
  json: 'JSONB',
};

// One schema for both engines, so they cannot drift apart; each engine's types fill it in.
const migrations = (prefix: string, ty: EngineTypes): Migration[] => {
  const t = tableNames(prefix);
  return [
    {
      version: 1,
      statements: [
        `CREATE TABLE ${t.outbox} (
          id ${ty.id},
          rule TEXT NOT NULL,
          transaction_id TEXT NOT NULL,
          click_id TEXT NOT NULL,
          event TEXT NOT NULL,
          conversion_status TEXT NOT NULL,
          amount ${ty.real} NOT NULL,
          currency TEXT NOT NULL,
          template TEXT NOT NULL,
          url TEXT NOT NULL,
          method TEXT NOT NULL,
          conversion ${ty.json} NOT NULL,
          missing ${ty.json},
          status TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          schedule_start INTEGER NOT NULL DEFAULT 0,
          replays INTEGER NOT NULL DEFAULT 0,
          last_http_status INTEGER,
          last_error TEXT,
          next_attempt_at ${ty.bigint},
          lease_owner TEXT,
          created_at ${ty.bigint} NOT NULL,
          updated_at ${ty.bigint} NOT NULL,
          delivered_at ${ty.bigint},
          UNIQUE (transaction_id, rule)
        )`,
        `CREATE INDEX ${t.outbox}_due ON ${t.outbox} (next_attempt_at, id) WHERE status IN ('pending', 'delivering')`,
        `CREATE INDEX ${t.outbox}_status ON ${t.outbox} (status, updated_at)`,
        `CREATE INDEX ${t.outbox}_click ON ${t.outbox} (click_id)`,
        `CREATE INDEX ${t.outbox}_created ON ${t.outbox} (created_at)`,
        `CREATE TABLE ${t.attempts} (
          id ${ty.id},
          outbox_id ${ty.bigint} NOT NULL,
          attempt INTEGER NOT NULL,
          started_at ${ty.bigint} NOT NULL,
          duration_ms ${ty.real} NOT NULL,
          url TEXT NOT NULL,
          http_status INTEGER,
          error TEXT,
          outcome TEXT NOT NULL,
          owner TEXT
        )`,
        `CREATE INDEX ${t.attempts}_outbox ON ${t.attempts} (outbox_id)`,
      ],
    },
  ];
};

/** The SQLite schema. */
export const sqliteMigrations = (prefix: string): Migration[] => migrations(prefix, SQLITE_TYPES);

/** The PostgreSQL schema. */
export const postgresMigrations = (prefix: string): Migration[] => migrations(prefix, POSTGRES_TYPES);

/** The newest schema version this clicktrail knows. */
export const LATEST_VERSION = 1;

/**
 * The migrations a database at schema version `found` still needs, oldest first. Throws OutboxError
 * `outbox_schema_newer` when the database is ahead of this code, and `outbox_migrate` when it needs migrations and
 * `migrate` is false (a read-only tool must not change the schema the app runs on).
 */
export const pendingMigrations = (
  migrations: readonly Migration[],
  found: number,
  where: string,
  migrate: boolean,
): Migration[] => {
  if (found > LATEST_VERSION)
    throw new OutboxError(
      'outbox_schema_newer',
      `${where} has outbox schema version ${found}, newer than this clicktrail understands (${LATEST_VERSION}): ` +
        'a newer clicktrail migrated it. Upgrade clicktrail here (every process sharing the database needs the same ' +
        'or a newer version); never point an older one at it.',
    );
  const pending = migrations.filter((m) => m.version > found);
  if (pending.length && !migrate)
    throw new OutboxError(
      'outbox_migrate',
      found === 0
        ? `${where} has no clicktrail outbox with this table prefix: check the database and the prefix. Nothing ` +
            'was created (migrate: false); the app creates the outbox when it first opens it.'
        : `${where} has outbox schema version ${found}, older than this clicktrail's (${LATEST_VERSION}), and ` +
            'migrate is false: nothing was changed. Use the clicktrail version the app runs, or upgrade the app (it ' +
            'migrates the schema when it opens the outbox).',
    );
  return pending;
};
