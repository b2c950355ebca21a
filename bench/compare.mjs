#!/usr/bin/env node
// Compares builds of the script tag at load, in one run: `node bench/compare.mjs dist/a.js dist/b.js [--runs=15]
// [--links=0[,1000]] [--return]`. Each file (under dist/ or bench/baselines/) is loaded as the page's footer script, in a fresh
// context, interleaved with the control page and the vendor snippet, exactly as bench/browser.mjs measures a first
// visit (or, with --return, a return visit). Prints each file's median cost (its page minus the control of the same
// round) and its ratio to the vendor's; with two link counts, also the links' share (the cost at the second count
// minus the cost at the first, paired by round), as the benchmark's "decorating the N links" rows. A tool for deciding between two ways of writing the same thing (leave a part
// out of a copy of the build and see what it cost); `npm run bench` gives the figures the README reports.
import { chromium } from 'playwright';
import { launchOptions } from '../scripts/chromium.mjs';
import { measure } from './browser.mjs';
import { ARMS, startSite } from './lib/site.mjs';
import { median } from './lib/stats.mjs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const runs = Number(arg('runs')) || 15;
const counts = (arg('links') ?? '0').split(',').map(Number);
const returning = process.argv.includes('--return');
// --cookie: the site already set a cookie of its own (most sites have one) before the measured page loads.
const siteCookie = process.argv.includes('--cookie');
const ID = 'a520dca8-ab08-4640-af65-034be3a68909';
files.forEach((file, i) => {
  ARMS[`file${i}`] = `/${file.replace(/^\.?\//, '')}`;
});
const arms = ['control', 'vendor', ...files.map((_, i) => `file${i}`)];

const site = await startSite();
const browser = await chromium.launch(launchOptions);
const origin = site.origin('shop.example.com');
const page = (arm, links, click) => `${origin}/bench?n=${links}&arm=${arm}${click ? `&click_id=${ID}` : ''}`;
const load = async (arm, links) => {
  const cookies = siteCookie
    ? [{ name: 'site', value: '1', domain: 'shop.example.com', path: '/' }]
    : undefined;
  const landing = returning ? page(arm, 0, true) : undefined;
  return (await measure(browser, page(arm, links, !returning), null, landing, cookies)).load;
};
// costs[links][arm]: one figure per round.
const costs = Object.fromEntries(counts.map((n) => [n, Object.fromEntries(arms.map((arm) => [arm, []]))]));
try {
  await load('control', counts[0]);
  for (let r = 0; r < runs; r++) {
    for (const n of counts) {
      const round = {};
      // Rotated each round, so no arm always runs right after another.
      for (let k = 0; k < arms.length; k++) {
        const arm = arms[(k + r) % arms.length];
        round[arm] = await load(arm, n);
      }
      for (const arm of arms.slice(1)) costs[n][arm].push(round[arm] - round.control);
    }
    process.stderr.write(`round ${r + 1}/${runs}\r`);
  }
} finally {
  await browser.close();
  await site.close();
}
const report = (title, series) => {
  const vendor = median(series('vendor'));
  console.log(`\n${title}, median of ${runs} rounds (ms of script time)`);
  console.log(`${'vendor-stripe.js'.padEnd(44)} ${vendor.toFixed(2).padStart(6)} ms  1.00×`);
  files.forEach((file, i) => {
    const cost = median(series(`file${i}`));
    console.log(`${file.padEnd(44)} ${cost.toFixed(2).padStart(6)} ms  ${(cost / vendor).toFixed(2)}×`);
  });
};
const visit = returning ? 'return' : 'first';
for (const n of counts) report(`${visit} visit, ${n} links, over the control page`, (arm) => costs[n][arm]);
if (counts.length > 1) {
  const [from, to] = counts;
  report(`decorating the ${to - from} links (${to} minus ${from})`, (arm) =>
    costs[to][arm].map((cost, r) => cost - costs[from][arm][r]),
  );
}
