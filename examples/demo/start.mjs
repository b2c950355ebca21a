#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
// `npm start` (and `clicktrail demo`): the whole flow on 127.0.0.1, nothing outside the machine.
//
//   site     examples/shop/ + dist/ + the demo pages (examples/demo/pages/) + "simulate purchase" + the report
//   server   the merchant's backend, built on dist/server (clicktrail/server): the Stripe webhook endpoint,
//            which turns each paid checkout into postbacks by three rules, committed to a SQLite outbox
//            (clicktrail/server/sqlite) that a worker delivers from
//   tracker  a stand-in affiliate tracker that records every postback it receives
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { close, HOST, listen } from './lib/listen.mjs';
import { demoRules } from './lib/rules.mjs';
import { siteHandler } from './lib/site.mjs';
import { createTracker } from './lib/tracker.mjs';
import { webhookHandler } from './lib/webhook.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The demo endpoint's Stripe signing secret. A demo value: a real one lives in an environment variable. */
export const DEMO_WEBHOOK_SECRET = 'whsec_clicktrail_demo_0123456789abcdef';

/** The cookie the example shop stores the click id in (the default). */
const COOKIE = 'click_id';

/** Where `npm start` keeps its postback outbox, so the log survives a restart (and `clicktrail log` can read it). */
export const DEMO_DB = join(ROOT, '.clicktrail', 'demo.db');

/** The built clicktrail/server, its Node adapters and the SQLite outbox (dist/server/index.js, node.js, sqlite.js). */
const loadServerModule = async () => {
  const load = (name) => import(pathToFileURL(join(ROOT, 'dist', 'server', name)).href);
  try {
    return await Promise.all([load('index.js'), load('node.js'), load('sqlite.js')]);
  } catch (error) {
    throw new Error(
      `the demo runs on the built server module: run 'npx rollup -c' (npm start does) first (${error.message})`,
    );
  }
};

/**
 * Starts the site, the demo server (with its outbox and worker) and the tracker. `port` is the site's (default
 * $PORT or 8080, the next free one when taken; 0 = any); `https: { key, cert }` serves the site over TLS; `host` is
 * the name printed in URLs; `db` the outbox's SQLite file (default .clicktrail/demo.db); `log` receives each line
 * worth showing (default console.log). Resolves to `{ urls, port, state: { tracker, outbox, worker }, db, close }`.
 */
export const startDemo = async (options = {}) => {
  const log = options.log ?? ((line) => console.log(line));
  const port = options.port ?? (Number(process.env.PORT) || 8080);
  const host = options.host ?? 'localhost';
  const secret = options.secret ?? DEMO_WEBHOOK_SECRET;
  const db = options.db ?? DEMO_DB;
  const [server, node, sqlite] = await loadServerModule();

  mkdirSync(dirname(db), { recursive: true });
  const outbox = sqlite.sqliteOutbox({ path: db });
  const tracker = createTracker();
  const state = { tracker, outbox };
  const servers = [tracker.server];
  let worker;
  const stop = async () => {
    await worker?.stop({ timeoutMs: 2000 });
    await Promise.all(servers.map(close));
    await outbox.close();
  };
  try {
    // Fail fast (a missing driver, a file that cannot be written) with the store's own message.
    await outbox.open();
    const trackerUrl = `http://${HOST}:${await listen(tracker.server, 0)}`;

    const backend = webhookHandler({ server, node, secret, rules: demoRules(trackerUrl), outbox, log });
    worker = backend.worker;
    state.worker = worker;
    // Rows left pending by a previous run go out now, to this run's tracker.
    worker.start();
    const api = createHttpServer(backend.handler);
    servers.push(api);
    const webhookUrl = `http://${HOST}:${await listen(api, 0)}/webhooks/stripe`;

    const mounts = [
      { prefix: '/dist/', dir: join(ROOT, 'dist') },
      {
        prefix: '/vendor/js-cookie.mjs',
        dir: join(ROOT, 'node_modules', 'js-cookie', 'dist', 'js.cookie.mjs'),
      },
      { prefix: '/demo/', dir: join(ROOT, 'examples', 'demo', 'pages') },
      { prefix: '/', dir: join(ROOT, 'examples', 'shop') },
    ];
    const handler = siteHandler({
      mounts,
      state,
      report: node.toNodeHandler(
        server.postbackReport(outbox, { title: 'clicktrail demo: postbacks report' }),
      ),
      readClickData: server.readClickData,
      cookie: COOKIE,
      webhookUrl,
      secret,
    });
    const site = options.https ? createHttpsServer(options.https, handler) : createHttpServer(handler);
    servers.push(site);
    const sitePort = await listen(site, port);
    const origin = `${options.https ? 'https' : 'http'}://${host}:${sitePort}`;

    const urls = {
      landing: `${origin}/?${COOKIE}=demo123`,
      pricing: `${origin}/pricing.html`,
      demo: `${origin}/demo/`,
      report: `${origin}/demo/report`,
      site: `${origin}/`,
      webhook: webhookUrl,
      received: `${origin}/demo/received`,
      tracker: `${trackerUrl}/received`,
    };
    const where = relative(process.cwd(), db) || db;
    log(`clicktrail demo running (Ctrl-C to stop)

  1. land from an affiliate link   ${urls.landing}
  2. see the links carry the id    ${urls.pricing}
  3. simulate a Stripe purchase    ${urls.demo}
  4. postbacks report              ${urls.report}

  demo server (Stripe webhook)     ${urls.webhook}
  stand-in tracker                 ${trackerUrl}/   (what it received: ${urls.received})
  postback outbox (SQLite)         ${where}   (npx clicktrail log --db ${where})
`);
    return { urls, port: sitePort, state, db, close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** Reads `--port N` and `--host NAME` (npm start -- --port 3000). */
const cliOptions = (argv) => {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') {
      const port = argv[++i];
      if (!/^\d+$/.test(port ?? '') || Number(port) > 65535)
        throw new Error(`--port must be a port number, got '${port}'`);
      options.port = Number(port);
    } else if (argv[i] === '--host') options.host = argv[++i];
  }
  return options;
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Listening before the servers start: Ctrl-C right after the URLs are printed must still exit 0. Ctrl-C reaches
  // this process twice under `npm start` (from the terminal, and forwarded by npm): stop once, and keep listening, so
  // that a second signal cannot kill the process halfway (npm would then exit 130).
  let demo;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the demo…');
    await demo?.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    demo = await startDemo(cliOptions(process.argv.slice(2)));
  } catch (error) {
    console.error(`clicktrail demo: ${error.message}`);
    process.exit(1);
  }
}
