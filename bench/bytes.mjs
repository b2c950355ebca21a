#!/usr/bin/env node
// Where the script tag's bytes go: `node bench/bytes.mjs` builds dist/clicktrail.min.js in memory (the same rollup
// config, with a source map) and attributes every minified character to the source file it came from. For each file
// it prints the minified characters and its gzip share, measured as what the bundle's gzip loses when that file's
// characters are cut out (so a file whose code repeats what the rest already says costs little). A diagnostic for
// whoever works on the bundle's size, not a figure the tests assert (scripts/size.mjs does that).
// `--total` prints only the bundle's size; `--file=path` also prints that file's minified code, piece by piece.
import { gzipSync } from 'node:zlib';
import { decode } from '@jridgewell/sourcemap-codec';
import { rollup } from 'rollup';
import configs from '../rollup.config.mjs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const config = configs[0];
const build = await rollup({ ...config, onwarn: () => {} });
const { output } = await build.generate({ ...config.output, sourcemap: 'hidden' });
await build.close();
const { code, map } = output[0];

// owner[i]: the source index of generated character i (-1: banner, wrapper, or unmapped). A segment of the decoded
// mappings is [generated column, source index, …] (absolute values); it covers its line up to the next segment.
const owner = new Int32Array(code.length).fill(-1);
const lines = code.split('\n');
let offset = 0;
decode(map.mappings).forEach((segments, l) => {
  const lineLength = lines[l]?.length ?? 0;
  segments.forEach(([from, src = -1], k) => {
    const to = k + 1 < segments.length ? segments[k + 1][0] : lineLength;
    owner.fill(src, offset + from, offset + to);
  });
  offset += lineLength + 1;
});

const gzip = (text) => gzipSync(text, { level: 9 }).length;
const total = gzip(code);
if (process.argv.includes('--total')) {
  console.log(`${code.length} bytes, ${total} gzip`);
  process.exit(0);
}
const name = (index) =>
  index < 0 ? '(banner, wrapper)' : map.sources[index].replace(/^.*?(src|node_modules)\//, '$1/');
const rows = new Map();
for (let i = 0; i < code.length; i++) rows.set(owner[i], (rows.get(owner[i]) ?? 0) + 1);
const table = [...rows].map(([index, chars]) => {
  let without = '';
  for (let i = 0; i < code.length; i++) if (owner[i] !== index) without += code[i];
  return { file: name(index), chars, gzip: total - gzip(without) };
});
table.sort((a, b) => b.gzip - a.gzip);
console.log(`dist/clicktrail.min.js (in memory): ${code.length} bytes, ${total} gzip`);
console.log('file'.padEnd(40), 'minified'.padStart(9), 'gzip cost'.padStart(10));
for (const row of table)
  console.log(row.file.padEnd(40), String(row.chars).padStart(9), String(row.gzip).padStart(10));
console.log(
  'sum of gzip costs'.padEnd(40),
  ''.padStart(9),
  String(table.reduce((s, r) => s + r.gzip, 0)).padStart(10),
  '(a file that repeats others costs less alone than its share)',
);
const only = arg('file');
if (only) {
  let piece = '';
  for (let i = 0; i <= code.length; i++) {
    const mine = i < code.length && name(owner[i]).endsWith(only);
    if (mine) piece += code[i];
    else if (piece) {
      console.log(`  ${piece}`);
      piece = '';
    }
  }
}
