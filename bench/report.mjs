#!/usr/bin/env node
// Refreshes the figures in README.md ("Performance") from bench/results.json (the latest
// `npm run bench`): only the part between the bench:start and bench:end markers is rewritten, so the
// prose around it stays as written. Run `node bench/report.mjs` after a bench run.
import { readFileSync, writeFileSync } from 'node:fs';

const doc = new URL('../README.md', import.meta.url);
const result = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8'));
const m = result.machine;

// The generated block: machine, command, table and notes of one run.
const figures = () =>
  [
    `Measured on ${result.date.slice(0, 10)}${m.commit ? ` at commit ${m.commit}` : ''} with \`${result.command}\` (${result.seconds} s):`,
    `${m.cores} cores (\`nproc\`), ${m.cpu} (\`/proc/cpuinfo\`), Node ${m.node}, Chromium ${m.chromium ?? 'n/a'}, ${m.platform}.`,
    `Browser figures are the median of ${result.browser?.runs ?? 'n/a'} runs. Ratio = clicktrail ÷ baseline: lower is better for bytes and ms, higher for per-second figures.`,
    '',
    result.markdown,
    ...(result.rows.some((r) => r.note)
      ? ['', ...result.rows.filter((r) => r.note).map((r) => `- ${r.name.trim()}: ${r.note}`)]
      : []),
  ].join('\n');

const text = readFileSync(doc, 'utf8');
const start = '<!-- bench:start -->';
const end = '<!-- bench:end -->';
const [a, b] = [text.indexOf(start), text.indexOf(end)];
if (a < 0 || b < a) throw new Error(`${doc.pathname} has no ${start} … ${end} block`);
writeFileSync(doc, `${text.slice(0, a + start.length)}\n${figures()}\n${text.slice(b)}`);
console.log(`Updated ${doc.pathname}`);
