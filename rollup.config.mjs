import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

// Four products from one source tree: the script-tag IIFE (and its debug build), the ESM browser API (with
// clicktrail/react and the clicktrail/global types), the server module, and the CLI.
const ts = (tsconfig = './tsconfig.json') =>
  typescript({ tsconfig, compilerOptions: { noEmit: false, declaration: false } });
// The database drivers are optional peers, loaded lazily by the store that needs them: never bundled.
const external = (id) =>
  id.startsWith('node:') ||
  ['tldts', 'js-cookie', 'react', 'better-sqlite3', 'pg'].includes(id) ||
  id.startsWith('clicktrail');
const banner = `/*! clicktrail ${JSON.parse(readFileSync('./package.json', 'utf8')).version} | MIT */`;
// Chromium 136+ compiles every function of a script whose first line is this comment eagerly, off the main thread,
// instead of lazily on the main thread at each function's first call (all of ours run at load).
const COMPILE_HINT = '//# allFunctionsCalledOnLoad';
const browserEntries = { index: 'src/browser/index.ts', react: 'src/browser/react.ts' };
// clicktrail/server (edge-safe), /server/node (Node adapters), /server/sqlite and /server/postgres (the outbox stores).
const serverEntries = {
  index: 'src/server/index.ts',
  node: 'src/server/node.ts',
  sqlite: 'src/server/sqlite.ts',
  postgres: 'src/server/postgres.ts',
};

// The script-tag builds differ only in their logger (see src/browser/log.ts): `./log` is resolved to `logModule`.
const logger = (logModule) => ({
  name: 'clicktrail-logger',
  resolveId: (source, importer) =>
    source === './log' && importer?.includes('/src/browser/') && !importer.endsWith(logModule)
      ? fileURLToPath(new URL(`./src/browser/${logModule}`, import.meta.url))
      : null,
});
const scriptTag = (file, logModule) => ({
  input: 'src/browser/auto.ts',
  output: {
    file,
    format: 'iife',
    // No "use strict" in the wrapper (13 bytes, 9 gzip): the sources are TypeScript, checked strict, and every
    // statement that could behave differently in sloppy mode (a write to a read-only property) runs inside attempt().
    strict: false,
    banner: `${COMPILE_HINT}\n${banner}`,
    plugins: [
      terser({
        ecma: 2020,
        // unsafe_methods writes `{ m: function () {} }` as `{ m() {} }` (js-cookie's methods, never constructed): 13 bytes.
        // inline: 1 inlines only functions without parameters or variables: the others stay shared (7 bytes gzip).
        compress: {
          passes: 3,
          inline: 1,
          unsafe_arrows: true,
          unsafe_methods: true,
          pure_getters: true,
          unsafe: true,
        },
        mangle: { properties: { regex: /^_/ } },
        format: { comments: /^!|^# allFunctionsCalledOnLoad$/ },
      }),
    ],
  },
  plugins: [logger(logModule), ts(), nodeResolve()],
});

export default [
  // What sites paste: every feature, no logging.
  scriptTag('dist/clicktrail.min.js', 'log-silent.ts'),
  // The same script with logging, on by default: what to load while setting clicktrail up.
  scriptTag('dist/clicktrail.debug.js', 'log-debug.ts'),
  {
    // One build for both ESM browser entries, so dist/react.js imports dist/index.js instead of a second copy.
    input: browserEntries,
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
      // dist/react.js imports only what it uses (no `import 'js-cookie'` copied from dist/index.js).
      hoistTransitiveImports: false,
      // Next.js needs the directive as the first statement of the file it imports; rollup drops module-level
      // directives from sources (it cannot know where a chunk starts), so the banner puts it back.
      banner: (chunk) => (chunk.name === 'react' ? `'use client';\n${banner}` : banner),
    },
    external,
    plugins: [ts()],
    onwarn(warning, warn) {
      if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('use client')) return;
      warn(warning);
    },
  },
  {
    // global.d.ts: types only (window.clicktrail, the clicktrail:ready event), the `clicktrail/global` entry.
    input: { ...browserEntries, global: 'src/browser/global.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: '[name].d.ts' },
    external,
    plugins: [dts()],
  },
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
