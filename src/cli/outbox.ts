// What `clicktrail log` and `clicktrail replay` share: which outbox to open (--db, $CLICKTRAIL_DB) and how.
import { existsSync } from 'node:fs';
import type { OutboxStore } from 'clicktrail/server';
import { postgresOutbox } from 'clicktrail/server/postgres';
import { sqliteOutbox } from 'clicktrail/server/sqlite';
import { type OptionSpec, type ParsedArgs, UsageError } from './args';
import type { Io } from './io';

/** The options every outbox command takes. */
export const OUTBOX_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  db: {
    type: 'string',
    value: 'FILE|URL',
    help: 'the outbox: a SQLite file, or a postgres:// connection string (default: $CLICKTRAIL_DB)',
  },
  table: { type: 'string', value: 'PREFIX', help: 'the table prefix the app uses', default: 'clicktrail' },
};

/** True for a PostgreSQL connection string. */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

/** Opens the outbox the options name; a usage error when none is named. The caller closes it. */
export const openOutbox = async ({ options }: ParsedArgs, io: Io): Promise<OutboxStore> => {
  const db = typeof options.db === 'string' ? options.db : io.env.CLICKTRAIL_DB;
  if (!db)
    throw new UsageError('which outbox? pass --db postbacks.db (or a postgres:// URL), or set CLICKTRAIL_DB');
  const table = typeof options.table === 'string' ? options.table : 'clicktrail';
  // Opening a SQLite path creates the file: a typo must not leave an empty outbox behind.
  if (!isPostgresUrl(db) && !existsSync(db))
    throw new Error(`no outbox at ${db}: the file does not exist (the app creates it on its first dispatch)`);
  // Never migrate: a newer CLI must not move the schema on under the app (which would then refuse it), and a
  // wrong --table or database must not get an empty outbox.
  const store = isPostgresUrl(db)
    ? postgresOutbox({ connectionString: db, table, max: 1, migrate: false })
    : sqliteOutbox({ path: db, table, migrate: false });
  try {
    await store.open();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
};
