#!/usr/bin/env node
// The `clicktrail` command (dist/cli.js): wires the real process to main(); everything else is in cli/.
import { existsSync, readFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { UsageError } from './cli/args';
import type { DemoModule, Io } from './cli/io';
import { main } from './cli/main';

// dist/cli.js sits beside the package's package.json (one level up) and, in a clone, beside examples/.
const root = new URL('../', import.meta.url);

const io: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: async () => {
    if (process.stdin.isTTY)
      throw new UsageError('pipe the raw webhook body on standard input (… < body.json)');
    return new Uint8Array(await buffer(process.stdin));
  },
  env: process.env,
  untilStopped: () =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
  loadDemo: async () => {
    const demo = new URL('examples/demo/start.mjs', root);
    // Present in a clone of the repository, not in the npm package.
    return existsSync(demo) ? ((await import(demo.href)) as DemoModule) : undefined;
  },
  version: (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string }).version,
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`clicktrail: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
