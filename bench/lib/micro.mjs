// A small, fair microbenchmark: both sides run in alternation (A B A B …) so drift and noise
// hit them alike; each sample times a fixed batch calibrated to ~`sampleMs`; the figure is the median.
// Time is the process's CPU time (user + system), not the wall clock: on a shared machine another
// process taking the core would otherwise count against whichever side happened to be running, and
// ops per CPU-second is exactly "per second on one core".
import { median } from './stats.mjs';

let sink = 0;
const consume = (value) => {
  // Keeps the optimiser from dropping the work: every result feeds a value it cannot predict.
  sink = (sink + (typeof value === 'string' ? value.length : value ? 1 : 0)) | 0;
};

const timeBatch = async (fn, n, async) => {
  const start = process.cpuUsage();
  if (async) for (let i = 0; i < n; i++) consume(await fn(i));
  else for (let i = 0; i < n; i++) consume(fn(i));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

// How many calls fill about `sampleMs` (warms the function up on the way).
const calibrate = async (fn, async, sampleMs) => {
  let n = 16;
  for (;;) {
    const seconds = await timeBatch(fn, n, async);
    if (seconds * 1000 >= sampleMs / 4 || n > 1e8)
      return Math.max(1, Math.round((n * sampleMs) / 1000 / seconds));
    n *= 4;
  }
};

/** Operations per second of each function, median of `samples` alternating batches. */
export const compare = async (fns, { samples = 9, sampleMs = 100 } = {}) => {
  const entries = Object.entries(fns).filter(([, f]) => typeof f.fn === 'function');
  const sizes = {};
  for (const [name, { fn, async }] of entries) sizes[name] = await calibrate(fn, async, sampleMs);
  const rates = Object.fromEntries(entries.map(([name]) => [name, []]));
  for (let s = 0; s < samples; s++) {
    for (const [name, { fn, async }] of entries) {
      rates[name].push(sizes[name] / (await timeBatch(fn, sizes[name], async)));
    }
  }
  return Object.fromEntries(Object.entries(rates).map(([name, r]) => [name, median(r)]));
};
