#!/usr/bin/env node
// Prints the script-tag bundle's size and its SRI hash (for CDN tags). With --check it also enforces the gzip
// budget: size is deterministic, so it is asserted in `npm test`, unlike speed (see bench/).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET = 2000;
const file = 'dist/clicktrail.min.js';
const code = readFileSync(file);
const gzip = gzipSync(code, { level: 9 }).length;
const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const sri = `sha384-${createHash('sha384').update(code).digest('base64')}`;
console.log(`${file}: ${code.length} bytes, ${gzip} gzip, ${brotli} brotli (budget ${BUDGET} gzip)`);
console.log(`integrity="${sri}"`);
if (process.argv.includes('--check') && gzip > BUDGET) {
  console.error(`size: ${file} is ${gzip - BUDGET} bytes over its ${BUDGET}-byte gzip budget`);
  process.exit(1);
}
