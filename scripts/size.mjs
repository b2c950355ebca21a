#!/usr/bin/env node
// The size budget of the script-tag bundle: deterministic, so it is asserted in `npm test`.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET = 2000;
const file = 'dist/clicktrail.min.js';
const code = readFileSync(file);
const gzip = gzipSync(code, { level: 9 }).length;
const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(`${file}: ${code.length} bytes, ${gzip} gzip, ${brotli} brotli (budget ${BUDGET} gzip)`);
if (gzip > BUDGET) {
  console.error(`size: ${file} is ${gzip - BUDGET} bytes over its ${BUDGET}-byte gzip budget`);
  process.exit(1);
}
