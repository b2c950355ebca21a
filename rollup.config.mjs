import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

// Three products from one source tree: the script-tag IIFE, the ESM browser API, and the server module.
const ts = (tsconfig = './tsconfig.json') =>
  typescript({ tsconfig, compilerOptions: { noEmit: false, declaration: false } });
const external = (id) =>
  id.startsWith('node:') || id === 'tldts' || id === 'js-cookie' || id.startsWith('clicktrail');
const banner = `/*! clicktrail ${JSON.parse(readFileSync('./package.json', 'utf8')).version} | MIT */`;
// Chromium 136+ compiles every function of a script whose first line is this comment eagerly, off the main thread,
// instead of lazily on the main thread at each function's first call (all of ours run at load).
const COMPILE_HINT = '//# allFunctionsCalledOnLoad';
const serverEntries = { index: 'src/server/index.ts', node: 'src/server/node.ts' };

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
    banner: `${COMPILE_HINT}\n${banner}`,
    plugins: [
      terser({
        ecma: 2020,
        compress: { passes: 3, unsafe_arrows: true, pure_getters: true, unsafe: true },
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
