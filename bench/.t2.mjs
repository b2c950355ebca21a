import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { minify } from 'terser';
import configs from '../rollup.config.mjs';

const config = configs[0];
const build = await rollup({ ...config, onwarn: () => {} });
const { output } = await build.generate({ ...config.output, plugins: [] });
const raw = output[0].code;
const base = {
  ecma: 2020,
  compress: { passes: 3, unsafe_arrows: true, unsafe_methods: true, pure_getters: true, unsafe: true },
  mangle: { properties: { regex: /^_/ } },
  format: { comments: /^!|^# allFunctionsCalledOnLoad$/ },
};
const merge = (a, b) => ({
  ...a,
  ...b,
  compress: { ...a.compress, ...b.compress },
  format: { ...a.format, ...b.format },
});
const v = JSON.parse(process.argv[2] || '{}');
const { code } = await minify(raw, merge(base, v));
console.log(code.length, gzipSync(code, { level: 9 }).length);
if (process.argv[3]) console.log(code.slice(0, 300));
