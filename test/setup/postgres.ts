// vitest globalSetup: one throwaway PostgreSQL cluster for the whole run (about half a second to start). Each test
// file makes its own database on it. Where no cluster can start, the Postgres tests are skipped and say why; in CI
// (where .ci/run installs PostgreSQL) that is a failure instead, so a broken install cannot pass unnoticed.
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../scripts/postgres.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster's URL, or why there is none. */
    postgres: { url: string } | { skip: string };
  }
}

export default async function setup(project: TestProject) {
  try {
    const pg = await startPostgres();
    project.provide('postgres', { url: pg.url });
    return () => pg.stop();
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (process.env.CI) throw new Error(`CI needs PostgreSQL for the outbox tests: ${reason}`);
    console.warn(`\n[postgres] the PostgreSQL outbox tests are SKIPPED: ${reason}\n`);
    project.provide('postgres', { skip: reason });
    return undefined;
  }
}
