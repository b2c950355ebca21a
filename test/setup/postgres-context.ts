// The cluster the global setup started, for a test file: a fresh database per call, or why there is none.
import { inject } from 'vitest';
import { createDatabase } from '../../scripts/postgres.mjs';

const provided = inject('postgres');

/** Why the Postgres tests are skipped here, or undefined when a cluster is running. */
export const postgresSkip: string | undefined = 'skip' in provided ? provided.skip : undefined;

let n = 0;
/** A new, empty database on the test cluster; resolves to its connection string. */
export const freshDatabase = (prefix: string): Promise<string> => {
  if (!('url' in provided)) throw new Error(`no PostgreSQL: ${postgresSkip}`);
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${n++}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  return createDatabase(provided.url, name);
};
