// Browser figures: main-thread script time of the footer snippet in Chromium, against the vendor baseline.
//
// Method: Chrome's own counters (CDP Performance.getMetrics, ScriptDuration, in thread time so that
// another process stealing the core does not count). Every run loads a fresh context, so nothing is
// cached, and also loads a control page with the same links and no script; a script's cost is its page's
// ScriptDuration minus the control's, paired within the run, median over the runs. Insertions are
// driven by the page's own tasks (one task per batch of 100), so the observer's callbacks are counted;
// the insertion code itself is in the control too and cancels out. A first visit lands with the click id
// (nothing stored yet: capture, probe, store); a return visit is a second page of the same context without it
// (the cookie is read, nothing is written), measured in a tab of its own.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright';
import { launchOptions } from '../scripts/chromium.mjs';
import { ARMS, startSite } from './lib/site.mjs';
import { isMain, median, row } from './lib/stats.mjs';

/** How the figures are taken, for results.json and the README. */
export const METHOD =
  'CDP Performance.getMetrics ScriptDuration (thread time), page with the script minus the same page without it, paired per run, median; fresh browser context per load (a return visit: a second tab of a context that landed with the click id); insertions run as page tasks, one per batch.';

const ID = 'a520dca8-ab08-4640-af65-034be3a68909';
const SIZES = [0, 1000, 10000];
// Return visits: the stored click read back, every link decorated from it.
const RETURN_SIZES = [0, 1000];
const INSERT = { total: 10000, batch: 100 };
// Inserted into an empty page, and into a page that already has 10,000 links: the second shows whether
// the cost follows what was added (it should not grow) or the page (the rescan baseline's does).
const INTO = [0, 10000];

const metrics = async (cdp) =>
  Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));

// A page that never settles (a script looping on its own mutations) must fail the sample, not hang the run.
const PAGE_TIMEOUT_MS = 30_000;
const within = (promise, what) =>
  Promise.race([
    promise,
    new Promise((_, reject) => {
      setTimeout(
        () => reject(new Error(`${what} did not finish in ${PAGE_TIMEOUT_MS / 1000} s`)),
        PAGE_TIMEOUT_MS,
      ).unref();
    }),
  ]);

/**
 * One page load (and optionally one insertion) in a fresh context; times in milliseconds. With `landing`, that page
 * is loaded first, unmeasured, in a tab of its own: the measured load is then a return visit. `cookies` are set in
 * the context before anything loads (bench/compare.mjs --cookie). Shared with bench/compare.mjs, so that its figures
 * are taken exactly as these.
 */
export const measure = async (browser, url, insert, landing, cookies) => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  try {
    if (cookies) await context.addCookies(cookies);
    if (landing) {
      const first = await context.newPage();
      await first.goto(landing, { waitUntil: 'load' });
      await within(
        first.evaluate(() => window.settle()),
        'the landing page',
      );
      await first.close();
    }
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await page.goto(url, { waitUntil: 'load' });
    await within(
      page.evaluate(() => window.settle()),
      'the page load',
    );
    const loaded = await metrics(cdp);
    const out = {
      load: loaded.ScriptDuration * 1000,
      cookie: (await context.cookies()).find((c) => c.name === 'click_id')?.domain ?? null,
      decorated: await page.evaluate(
        () => document.querySelectorAll('a[href*="client_reference_id="]').length,
      ),
    };
    if (insert) {
      await within(
        page.evaluate(({ total, batch, offset }) => window.insertLinks(total, batch, offset), insert),
        'the insertion',
      );
      const after = await metrics(cdp);
      out.insert = (after.ScriptDuration - loaded.ScriptDuration) * 1000;
      out.decoratedAfter = await page.evaluate(
        () => document.querySelectorAll('a[href*="client_reference_id="]').length,
      );
    }
    return out;
  } finally {
    await context.close();
  }
};

const fmt = (n) => n.toLocaleString('en-US');
const stripeLinks = (n) => Math.ceil(n / 10);

/** Runs the browser benchmark; resolves to result rows plus the raw samples. */
export const benchBrowser = async ({ runs = 5, minRuns = 3, budgetMs = 150_000, log = () => {} } = {}) => {
  const started = Date.now();
  const built = existsSync(new URL('../dist/clicktrail.min.js', import.meta.url));
  let done = 0;
  const samples = { load: {}, insert: {}, return: {} };
  const checks = {};
  const problems = {};
  let version = null;
  const site = await startSite();
  try {
    const browser = await chromium.launch(launchOptions);
    version = browser.version();
    const origin = site.origin('shop.example.com');
    const url = (n, arm) => `${origin}/bench?n=${n}&arm=${arm}&click_id=${ID}`;
    const returnUrl = (n, arm) => `${origin}/bench?n=${n}&arm=${arm}`;
    // A failed load is recorded as a gap (and reported), never allowed to stop the whole run.
    const take = async (kind, key, arm, address, insert, landing) => {
      let m = null;
      try {
        m = await measure(browser, address, insert, landing);
      } catch (error) {
        problems[arm] = `n/a: ${String(error?.message ?? error).split('\n')[0]}`;
      }
      samples[kind][key] ??= {};
      (samples[kind][key][arm] ??= []).push(m);
      const label = insert ? `${arm}+insert@${key}` : `${arm}@${kind === 'return' ? 'return' : ''}${key}`;
      if (m) {
        const decorated = insert ? m.decoratedAfter : m.decorated;
        checks[label] = {
          cookieDomain: m.cookie,
          stripeLinksDecorated: decorated,
        };
        const expected = arm === 'control' ? 0 : stripeLinks(key + (insert ? insert.total : 0));
        if (arm === 'clicktrail' && (decorated !== expected || !m.cookie)) {
          problems[label] = `decorated ${decorated} of ${expected} Stripe links, cookie on ${m.cookie}`;
        }
      }
    };
    try {
      // Warm-up: the first page pays for process start-up and would skew the first sample.
      await measure(browser, url(1000, 'control'));
      for (let r = 0; r < runs; r++) {
        // Bounded in time: past minRuns, stop when another run would overrun the budget.
        const spent = Date.now() - started;
        if (r >= minRuns && spent + spent / r > budgetMs) {
          log(`browser: stopping after ${r} runs (time budget ${budgetMs / 1000} s)`);
          break;
        }
        log(`browser: run ${r + 1}/${runs}`);
        for (const n of SIZES) {
          for (const arm of ['control', 'vendor', 'clicktrail']) {
            if (arm !== 'clicktrail' || built) await take('load', n, arm, url(n, arm));
          }
        }
        for (const n of RETURN_SIZES) {
          for (const arm of ['control', 'vendor', 'clicktrail']) {
            if (arm !== 'clicktrail' || built) {
              await take('return', n, arm, returnUrl(n, arm), undefined, url(0, arm));
            }
          }
        }
        for (const into of INTO) {
          for (const arm of ['control', 'rescan', 'clicktrail']) {
            if (arm !== 'clicktrail' || built) {
              await take('insert', into, arm, url(into, arm), { ...INSERT, offset: into });
            }
          }
        }
        done = r + 1;
      }
    } finally {
      await browser.close();
    }
  } catch (error) {
    problems.chromium = `n/a: Chromium did not run: ${String(error?.message ?? error).split('\n')[0]}`;
  } finally {
    await site.close();
  }

  // Median over runs of f(run index), skipping runs where a needed sample is missing.
  const pairedMedian = (count, f) => {
    const values = [];
    for (let i = 0; i < count; i++) {
      const v = f(i);
      if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
    }
    return values.length ? median(values) : null;
  };
  const series = (kind, key, arm) => samples[kind][key]?.[arm] ?? [];
  // A script's cost in one run: its page minus the control page of the same run.
  const cost = (kind, key, arm, field) => {
    const mine = series(kind, key, arm);
    const control = series(kind, key, 'control');
    return pairedMedian(mine.length, (i) => mine[i]?.[field] - control[i]?.[field]);
  };
  // The links' share of the load: the cost at n links minus the cost at 0 links, paired by run.
  const linksOnly = (n, arm) => {
    const [at, ctl, at0, ctl0] = [
      series('load', n, arm),
      series('load', n, 'control'),
      series('load', 0, arm),
      series('load', 0, 'control'),
    ];
    return pairedMedian(at.length, (i) => at[i]?.load - ctl[i]?.load - (at0[i]?.load - ctl0[i]?.load));
  };
  const why = built
    ? (problems.clicktrail ?? problems.chromium)
    : 'n/a: dist/clicktrail.min.js is missing (run rollup -c)';
  const note = (key) => why ?? problems[`clicktrail@${key}`];

  const rows = [];
  for (const n of SIZES) {
    rows.push(
      row(
        'browser',
        `script time at load, ${fmt(n)} links, first visit`,
        'ms',
        cost('load', n, 'clicktrail', 'load'),
        cost('load', n, 'vendor', 'load'),
        'vendor-stripe.js',
        note(n),
      ),
    );
  }
  for (const n of RETURN_SIZES) {
    rows.push(
      row(
        'browser',
        `script time at load, ${fmt(n)} links, return visit`,
        'ms',
        cost('return', n, 'clicktrail', 'load'),
        cost('return', n, 'vendor', 'load'),
        'vendor-stripe.js',
        why ?? problems[`clicktrail@return${n}`],
      ),
    );
  }
  for (const n of SIZES.filter(Boolean)) {
    rows.push(
      row(
        'browser',
        `  ↳ decorating the ${fmt(n)} links (minus the 0-link cost)`,
        'ms',
        linksOnly(n, 'clicktrail'),
        linksOnly(n, 'vendor'),
        'vendor-stripe.js',
        note(n),
      ),
    );
  }
  for (const into of INTO) {
    rows.push(
      row(
        'browser',
        `script time, ${fmt(INSERT.total)} links inserted in batches of ${INSERT.batch}${into ? `, page already holding ${fmt(into)}` : ''}`,
        'ms',
        cost('insert', into, 'clicktrail', 'insert'),
        cost('insert', into, 'rescan', 'insert'),
        'vendor-stripe-rescan.js',
        why ??
          problems[`clicktrail+insert@${into}`] ??
          (into
            ? undefined
            : 'the one-shot vendor-stripe.js does no work here and leaves every inserted link bare'),
      ),
    );
  }
  // The raw per-run ScriptDuration counts (ms), for results.json: enough to recompute every figure.
  const raw = {};
  for (const [kind, byKey] of Object.entries(samples)) {
    for (const [key, byArm] of Object.entries(byKey)) {
      for (const [arm, list] of Object.entries(byArm)) {
        raw[`${kind}@${key}:${arm}`] = list.map((m) => (m ? Math.round(m[kind] * 1000) / 1000 : null));
      }
    }
  }
  return { rows, checks, problems, runs: done, chromium: version, arms: ARMS, method: METHOD, samples: raw };
};

if (isMain(import.meta.url)) {
  const { rows, checks } = await benchBrowser({ runs: Number(process.env.RUNS) || 5, log: console.error });
  console.table(rows);
  console.log(checks);
}
