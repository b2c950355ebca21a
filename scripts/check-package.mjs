#!/usr/bin/env node
// `npm run check:package`: the package as published. publint (strict) checks package.json against the files;
// attw checks that every entry's types resolve, under node16 (from CJS and from ESM) and bundlers. attw's table
// lists the resolutions it ignores (node10) with the same 💀 as real failures, so it is shown only when a check fails.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const run = (command, args, options = {}) =>
  spawnSync(command, args, { stdio: 'inherit', shell: false, ...options }).status ?? 1;

const bin = (name) => `node_modules/.bin/${name}`;
if (run(bin('publint'), ['--strict']) !== 0) process.exit(1);

const excluded = ['./clicktrail.min.js', './clicktrail.debug.js'];
const attw = [
  '--pack',
  '.',
  '--profile',
  'node16',
  '--exclude-entrypoints',
  ...excluded,
  '--ignore-rules',
  'cjs-resolves-to-esm',
];
if (run(bin('attw'), [...attw, '--quiet']) !== 0) {
  run(bin('attw'), attw);
  process.exit(1);
}
const { exports } = JSON.parse(readFileSync('package.json', 'utf8'));
const entries = Object.keys(exports).filter((e) => !excluded.includes(e) && e !== './package.json');
console.log(`attw: types resolve for ${entries.join(', ')} (node16 from CJS and ESM, bundler)`);
