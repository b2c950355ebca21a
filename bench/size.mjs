// Size figures: raw, gzip and brotli bytes of what a site ships, against the vendor footer snippet
// minified the same way (terser), so every ratio compares like with like.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { rollup } from 'rollup';
import { minify } from 'terser';
import { isMain, row } from './lib/stats.mjs';

const root = new URL('../', import.meta.url).pathname;
const at = (path) => root + path;

/** Raw, gzip (level 9) and brotli (quality 11) byte counts of some code. */
export const measureBytes = (code) => {
  const buf = Buffer.from(code);
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};

// Resolves `clicktrail` and `clicktrail/server` to the built package, as an installed copy would, and
// serves the entry from memory; everything else goes through node-resolve (js-cookie, tldts).
const virtualEntry = (code) => ({
  name: 'bench-entry',
  resolveId: (id) => {
    if (id === '\0entry') return id;
    if (id === 'clicktrail') return at('dist/index.js');
    if (id === 'clicktrail/server') return at('dist/server/index.js');
    return null;
  },
  load: (id) => (id === '\0entry' ? code : null),
});

/** Bundles an entry with rollup (tree-shaken, minified by terser) and returns the code. */
const bundle = async (code, { external = [], ts = false } = {}) => {
  const build = await rollup({
    input: '\0entry',
    external,
    onwarn: () => {},
    plugins: [
      virtualEntry(code),
      ...(ts
        ? [
            typescript({
              tsconfig: at('tsconfig.json'),
              compilerOptions: { noEmit: false, declaration: false },
            }),
          ]
        : []),
      nodeResolve({ browser: !external.length, preferBuiltins: true }),
    ],
  });
  try {
    const { output } = await build.generate({ format: 'es', plugins: [terser()] });
    return output[0].code;
  } finally {
    await build.close();
  }
};

// What each row ships; a missing build or a failing bundle gives n/a instead of stopping the run.
// Bundles are built the way a site's bundler would: rollup + node-resolve (js-cookie and, for the edge
// row, tldts included), tree-shaken, terser with its defaults. The capture + store row bundles the
// internal modules from src/ because the public ESM API has no capture-only entry.
const subjects = [
  {
    name: 'script tag: dist/clicktrail.min.js, every feature',
    code: async () => readFile(at('dist/clicktrail.min.js'), 'utf8'),
    needs: 'dist/clicktrail.min.js',
  },
  {
    name: 'script tag, debug build: dist/clicktrail.debug.js (logging)',
    code: async () => readFile(at('dist/clicktrail.debug.js'), 'utf8'),
    needs: 'dist/clicktrail.debug.js',
  },
  {
    name: "ESM: import { init } from 'clicktrail', bundled",
    code: () => bundle("export { init } from 'clicktrail';"),
    needs: 'dist/index.js',
  },
  {
    name: 'ESM: capture + store only (internal modules)',
    code: () =>
      bundle(
        `export { captureClick } from '${at('src/core/capture.ts')}';\nexport { createStore } from '${at('src/browser/storage.ts')}';`,
        { ts: true },
      ),
    needs: 'src/browser/storage.ts',
  },
  {
    name: 'server: clicktrail/server, tldts external',
    code: () => bundle("export * from 'clicktrail/server';", { external: ['tldts', /^node:/] }),
    needs: 'dist/server/index.js',
  },
  {
    name: 'server: clicktrail/server + tldts (edge bundle)',
    code: () => bundle("export * from 'clicktrail/server';", { external: [/^node:/] }),
    needs: 'dist/server/index.js',
  },
  {
    name: 'server: renderPostback alone',
    code: () =>
      bundle("export { renderPostback } from 'clicktrail/server';", { external: ['tldts', /^node:/] }),
    needs: 'dist/server/index.js',
  },
];

/** Runs the size benchmark; resolves to one result row per shipped artefact. */
export const benchSize = async ({ log = () => {} } = {}) => {
  const vendorSource = await readFile(at('bench/baselines/vendor-snippet.js'), 'utf8');
  const vendor = measureBytes((await minify(vendorSource)).code);
  const rows = [];
  for (const subject of subjects) {
    let bytes = null;
    let note;
    if (!existsSync(at(subject.needs))) note = `n/a: ${subject.needs} is missing`;
    else {
      try {
        bytes = measureBytes(await subject.code());
      } catch (error) {
        note = `n/a: ${String(error?.message ?? error).split('\n')[0]}`;
      }
    }
    log(`size: ${subject.name}: ${bytes ? `${bytes.gzip} gzip` : note}`);
    // gzip is the headline figure (what the budget counts); raw and brotli ride along.
    rows.push({
      ...row(
        'size',
        subject.name,
        'bytes gzip',
        bytes?.gzip,
        vendor.gzip,
        'vendor-snippet.js (terser)',
        note,
      ),
      bytes,
      baselineBytes: vendor,
    });
  }
  return { rows, vendor };
};

if (isMain(import.meta.url)) {
  const { rows } = await benchSize({ log: console.error });
  console.table(
    rows.map(({ name, value, baseline, ratio, note }) => ({ name, value, baseline, ratio, note })),
  );
}
