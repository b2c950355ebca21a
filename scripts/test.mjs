#!/usr/bin/env node
// `npm test`: every check CI runs, in order, each one a package.json script; stops at the first failure and ends
// with one summary line and the time each step took. `node scripts/test.mjs lint unit` runs only those steps.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';

/** [step, package.json script (or a command), what it checks]. */
const STEPS = [
  ['setup', 'node scripts/setup.mjs --browser --postgres', 'dependencies, a Chromium and PostgreSQL'],
  ['lint', 'lint', 'biome'],
  ['types', 'typecheck', 'tsc strict over src, tests, examples'],
  ['build', 'build', 'rollup: dist/'],
  ['unit', 'test:unit', 'vitest: core, server, CLI, browser, React, README blocks'],
  ['node', 'test:node', 'the core, server and CLI unit tests on Node 22 and 24'],
  ['size', 'size', 'gzip budget of the script tag'],
  ['e2e', 'test:e2e', 'Playwright in Chromium'],
  ['apps', 'test:apps', 'real apps from the packed tarball'],
  ['package', 'check:package', 'publint and attw'],
];

const { scripts } = JSON.parse(readFileSync('package.json', 'utf8'));
const only = process.argv.slice(2);
const unknown = only.filter((name) => !STEPS.some(([step]) => step === name));
if (unknown.length) {
  console.error(`unknown step(s): ${unknown.join(', ')} (steps: ${STEPS.map(([s]) => s).join(', ')})`);
  process.exit(2);
}
const steps = only.length ? STEPS.filter(([step]) => only.includes(step)) : STEPS;

// As npm runs a script: through the shell, with node_modules/.bin first on PATH.
const env = { ...process.env, PATH: `${resolve('node_modules', '.bin')}${delimiter}${process.env.PATH}` };
const runStep = (command) =>
  new Promise((done) => {
    const child = spawn(command, { shell: true, stdio: 'inherit', env });
    // Ctrl-C reaches the step itself (same process group); this process only waits for it to end.
    child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
process.on('SIGINT', () => {});

const seconds = (ms) =>
  ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`
    : `${(ms / 1000).toFixed(1)}s`;
const times = [];
const started = Date.now();
let failed;
for (const [step, script, what] of steps) {
  const command = scripts[script] ?? script;
  console.log(`\n▶ ${step}: ${what} (${command})`);
  const t = Date.now();
  const code = await runStep(command);
  times.push([step, Date.now() - t, code]);
  if (code !== 0) {
    failed = step;
    break;
  }
}

const total = seconds(Date.now() - started);
console.log('\nstep      time     result');
for (const [step, ms, code] of times)
  console.log(`${step.padEnd(9)} ${seconds(ms).padStart(7)}  ${code === 0 ? 'ok' : `FAILED (exit ${code})`}`);
if (failed) {
  console.log(`\nnpm test: FAILED at ${failed} after ${total}`);
  process.exit(1);
}
console.log(`\nnpm test: all ${times.length} steps passed in ${total}`);
