// The `clicktrail` command (dist/cli.js): wires the real process to main(); everything else is in cli/.
import { UsageError } from './cli/args';
import type { DemoModule, Io } from './cli/io';
import { main } from './cli/main';

// Only what this file uses of Node's process; declared here so src/ keeps compiling without Node's types.
declare const process: {
  argv: string[];
  env: Record<string, string | undefined>;
  exitCode?: number;
  stdin: AsyncIterable<Uint8Array | string> & { isTTY?: boolean };
  stdout: { write(text: string): boolean };
  stderr: { write(text: string): boolean };
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): void;
};

const readStdin = async (): Promise<Uint8Array> => {
  if (process.stdin.isTTY)
    throw new UsageError('pipe the raw webhook body on standard input (… < body.json)');
  const chunks: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
};

const io: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin,
  env: process.env,
  untilStopped: () =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
  // dist/cli.js → ../examples/demo/start.mjs: present in a clone of the repository, not in the npm package.
  loadDemo: () => import(new URL('../examples/demo/start.mjs', import.meta.url).href) as Promise<DemoModule>,
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
