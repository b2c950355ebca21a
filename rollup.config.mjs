import { readFileSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

// Three products from one source tree: the script-tag IIFE, the ESM browser API, and the server module.
const ts = (tsconfig = './tsconfig.json') =>
  typescript({ tsconfig, compilerOptions: { noEmit: false, declaration: false } });
// The database drivers are optional peers, loaded lazily by the store that needs them: never bundled.
const external = (id) =>
  id.startsWith('node:') ||
  ['tldts', 'js-cookie', 'better-sqlite3', 'pg'].includes(id) ||
  id.startsWith('clicktrail');
const banner = `/*! clicktrail ${JSON.parse(readFileSync('./package.json', 'utf8')).version} | MIT */`;
// clicktrail/server (edge-safe), /server/node (Node adapters), /server/sqlite and /server/postgres (the outbox stores).
const serverEntries = {
  index: 'src/server/index.ts',
  node: 'src/server/node.ts',
  sqlite: 'src/server/sqlite.ts',
  postgres: 'src/server/postgres.ts',
};

export default [
  {
    input: 'src/browser/auto.ts',
    output: {
      file: 'dist/clicktrail.min.js',
      format: 'iife',
      banner,
      plugins: [
        terser({
          ecma: 2020,
          compress: { passes: 3, unsafe_arrows: true, pure_getters: true, unsafe: true },
          mangle: { properties: { regex: /^_/ } },
          format: { comments: /^!/ },
        }),
      ],
    },
    plugins: [ts(), nodeResolve()],
  },
  {
    input: 'src/browser/index.ts',
    output: { file: 'dist/index.js', format: 'es', banner },
    external,
    plugins: [ts()],
  },
  { input: 'src/browser/index.ts', output: { file: 'dist/index.d.ts', format: 'es' }, plugins: [dts()] },
  {
    input: serverEntries,
    output: [
      {
        dir: 'dist/server',
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
        banner,
      },
      {
        dir: 'dist/server',
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: '[name]-[hash].cjs',
        banner,
      },
    ],
    external,
    plugins: [ts()],
  },
  ...Object.entries(serverEntries).flatMap(([name, input]) =>
    ['d.ts', 'd.cts'].map((ext) => ({
      input,
      output: { file: `dist/server/${name}.${ext}`, format: 'es' },
      external,
      plugins: [dts()],
    })),
  ),
  // The CLI imports `clicktrail/server` by name, left external: it runs on the package's own public API.
  {
    input: 'src/cli.ts',
    output: { file: 'dist/cli.js', format: 'es' },
    external,
    plugins: [ts('./tsconfig.cli.json')],
  },
];
