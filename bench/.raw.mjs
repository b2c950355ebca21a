import { rollup } from 'rollup';
import configs from '../rollup.config.mjs';

const config = configs[0];
const build = await rollup({ ...config, onwarn: () => {} });
const { output } = await build.generate({ ...config.output, plugins: [] });
console.log(output[0].code);
