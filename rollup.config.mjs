import { readFileSync } from 'node:fs';
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
const serverEntries = { index: 'src/server/index.ts', node: 'src/server/node.ts' };

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
