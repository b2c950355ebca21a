#!/usr/bin/env node
// Where the script tag's time goes: `node bench/profile.mjs [links]` loads the benchmark page once with
// the V8 sampling profiler on and prints the functions of dist/clicktrail.min.js with the most self time,
// each with the start of its minified source. A diagnostic for whoever tunes the browser code, not a figure:
// samples are wall-clock, so on a busy machine a pause of the whole renderer lands on whichever function was
// running; run it a few times and trust what keeps coming back.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright';
import { launchOptions } from '../scripts/chromium.mjs';
import { startSite } from './lib/site.mjs';

const links = Number(process.argv[2]) || 0;
const code = readFileSync(new URL('../dist/clicktrail.min.js', import.meta.url), 'utf8');
const lines = code.split('\n');
const site = await startSite();
const browser = await chromium.launch(launchOptions);
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  await page.goto(
    `${site.origin('shop.example.com')}/bench?n=${links}&arm=clicktrail&click_id=a520dca8-ab08-4640-af65-034be3a68909`,
  );
  await page.evaluate(() => window.settle());
  const { profile } = await cdp.send('Profiler.stop');
  const byNode = new Map();
  profile.samples.forEach((id, i) => {
    byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const self = new Map();
  for (const { id, callFrame: f } of profile.nodes) {
    if (!f.url.endsWith('clicktrail.min.js')) continue;
    const key = `${f.functionName || '(anonymous)'} @${f.lineNumber + 1}:${f.columnNumber}  ${lines[f.lineNumber]?.slice(f.columnNumber, f.columnNumber + 80)}`;
    self.set(key, (self.get(key) ?? 0) + (byNode.get(id) ?? 0));
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log(`clicktrail.min.js self time at load, ${links} links (sampled every 50 µs):`);
  for (const [key, us] of top) console.log(`${(us / 1000).toFixed(2).padStart(7)} ms  ${key}`);
} finally {
  await browser.close();
  await site.close();
}
