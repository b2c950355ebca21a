// The throwaway PostgreSQL cluster of the tests and the benchmark (scripts/postgres.mjs) must not outlive the process
// that started it, even when that process crashes before its teardown.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isListening } from '../../net';
import { postgresSkip } from '../../setup/postgres-context';

const SCRIPT = pathToFileURL(resolve(__dirname, '../../../scripts/postgres.mjs')).href;

describe.skipIf(!!postgresSkip)(
  `scripts/postgres.mjs${postgresSkip ? ` (SKIPPED: ${postgresSkip})` : ''}`,
  () => {
    it('stops the cluster and deletes its directory when its process dies of an uncaught error', async () => {
      const code = `
        const { startPostgres } = await import(${JSON.stringify(SCRIPT)});
        const pg = await startPostgres();
        console.log(JSON.stringify({ port: pg.port, dir: pg.dir }));
        setTimeout(() => { throw new Error('crashed before its teardown'); });
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      const exit = await new Promise<number | null>((done) => child.once('exit', done));
      expect(exit).not.toBe(0);
      const { port, dir } = JSON.parse(out) as { port: number; dir: string };
      expect(existsSync(join(dir, 'data'))).toBe(false);
      expect(await isListening(port)).toBe(false);
    }, 60_000);
  },
);
