// Small numeric helpers shared by the benchmark parts.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The median of a list of numbers (the mean of the middle two for an even count). */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** clicktrail ÷ baseline, or null when either side is missing or the baseline is zero. */
export const ratio = (value, baseline) =>
  typeof value === 'number' && typeof baseline === 'number' && baseline !== 0 ? value / baseline : null;

/** A result row; every figure in the table has this shape. */
export const row = (group, name, unit, value, baseline, baselineName, note) => ({
  group,
  name,
  unit,
  value: value ?? null,
  baseline: baseline ?? null,
  baselineName,
  ratio: ratio(value, baseline),
  ...(note ? { note } : {}),
});

/** Runs `count` jobs (`job(i)`, i from 0) with at most `concurrency` in flight; resolves to jobs per second. */
export const throughput = async (count, concurrency, job) => {
  let next = 0;
  const start = process.hrtime.bigint();
  const lane = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
};

/** Whether a module was run directly (`node bench/size.mjs`) rather than imported by run.mjs. */
export const isMain = (url) => Boolean(process.argv[1]) && fileURLToPath(url) === resolve(process.argv[1]);
