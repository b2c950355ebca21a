#!/usr/bin/env node
// `npm run bench`: size, browser and server figures against baselines measured in the same run.
// Prints one table and writes bench/results.json. Options: --only=size,server,outbox,browser  --runs=N (browser runs).
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { benchBrowser } from './browser.mjs';
import { consoleTable, markdownTable, notes } from './lib/table.mjs';
import { benchOutbox } from './outbox.mjs';
import { benchServer } from './server.mjs';
import { benchSize } from './size.mjs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const only = arg('only')?.split(',') ?? ['size', 'server', 'outbox', 'browser'];
// An explicit --runs is honoured in full; the default stops early if the machine is too slow for the time bound.
const runs = Number(arg('runs')) || 5;
const budgetMs = arg('runs') ? Number.POSITIVE_INFINITY : 150_000;
const log = (message) => process.stderr.write(`${message}\n`);

const machine = () => {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim();
  const git = (args) =>
    execSync(`git ${args}`, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  let commit;
  try {
    // Read-only: which commit was measured, and whether the tree had changes on top of it.
    commit = git('rev-parse --short HEAD') + (git('status --porcelain') ? ' + uncommitted changes' : '');
  } catch {}
  return {
    cores: availableParallelism(),
    cpu: cpu ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit,
  };
};

const started = Date.now();
const result = {
  date: new Date().toISOString(),
  command:
    process.env.npm_lifecycle_event === 'bench'
      ? 'npm run bench'
      : ['node bench/run.mjs', ...process.argv.slice(2)].join(' '),
  machine: machine(),
  rows: [],
  checks: {},
};
// Cheap and deterministic first; the browser (the longest part) last.
if (only.includes('size')) {
  const size = await benchSize({ log });
  result.rows.push(...size.rows);
}
if (only.includes('server')) {
  const server = await benchServer({ log });
  result.rows.push(...server.rows);
  result.checks.server = server.checks;
}
if (only.includes('outbox')) {
  const outbox = await benchOutbox({ log });
  result.rows.push(...outbox.rows);
  result.checks.outbox = outbox.checks;
}
if (only.includes('browser')) {
  const browser = await benchBrowser({ runs, budgetMs, log });
  result.rows.push(...browser.rows);
  result.checks.browser = { ...browser.checks, problems: browser.problems };
  result.machine.chromium = browser.chromium;
  result.browser = { runs: browser.runs, method: browser.method, samples: browser.samples };
}
result.seconds = Math.round((Date.now() - started) / 1000);

const m = result.machine;
console.log(
  `\nclicktrail bench · ${m.cores} × ${m.cpu} · Node ${m.node}${m.chromium ? ` · Chromium ${m.chromium}` : ''} · ${result.seconds} s`,
);
console.log(
  'ratio = clicktrail ÷ baseline: lower is better for bytes and ms, higher for per-second figures.',
);
if (result.browser)
  console.log(`browser figures: median of ${result.browser.runs} runs, each against a control page.`);
console.log('');
console.log(consoleTable(result.rows));
const rowNotes = notes(result.rows);
if (rowNotes.length) console.log(`\nNotes:\n${rowNotes.join('\n')}`);
result.markdown = markdownTable(result.rows);
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log('\nWrote bench/results.json');
