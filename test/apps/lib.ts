// Shared by the real-app tests: each app is copied to a temporary directory, installed from its own lockfile
// (`npm ci`), given clicktrail from the packed tarball (`npm install --no-save`, as a user's install, without
// touching the committed lockfile), built, started on 127.0.0.1 and driven from outside. Public API only.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { inject } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The packed tarball (made once per run by global-setup.ts). */
export const tarball = (): string => inject('tarball');

/** Runs a command to completion; rejects with its output when it fails. */
export const sh = (
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeout ?? 300_000,
        maxBuffer: 64 << 20,
      },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${command} ${args.join(' ')} failed in ${options.cwd}:\n${stdout}${stderr}`));
        else resolve(stdout + stderr);
      },
    );
  });

/** Runs npm in an app as a user would by hand (npm test's own npm_* settings are not passed on). */
export const npm = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  sh('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_'))),
      ...env,
    },
  });

/** A temporary copy of test/apps/<name>, installed from its lockfile plus the tarball. Remove it with `cleanup`. */
export const prepareApp = async (name: string, extra: (dir: string) => void = () => {}) => {
  const dir = mkdtempSync(join(tmpdir(), `clicktrail-app-${name}-`));
  cpSync(join(ROOT, 'test', 'apps', name), dir, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|dist|\.next)$/.test(src),
  });
  try {
    extra(dir);
    await npm(['ci'], dir);
    await npm(['install', '--no-save', tarball()], dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    /** The app's own `npm run build` (type-check and bundle, as its package.json says). */
    build: (env: NodeJS.ProcessEnv = {}) => npm(['run', 'build'], dir, env),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
};

/**
 * Tears down in order (`afterAll(() => teardown(() => browser?.close(), …, () => app?.cleanup()))`): every step
 * runs even when an earlier one throws (a server that never started, a runtime that failed), so the temporary
 * directory always goes; the first error is rethrown at the end.
 */
export const teardown = async (...steps: (() => unknown)[]): Promise<void> => {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length) throw errors[0];
};

/** A free port on 127.0.0.1, for servers that cannot be told to use port 0 and report it (next, vite). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

export interface Running {
  child: ChildProcess;
  /** Everything it printed so far. */
  output: () => string;
  /** The first capture group of `ready`, once printed (e.g. the port). */
  match: string;
  stop: () => Promise<void>;
}

/**
 * Starts a server process and resolves once its output matches `ready` (rejecting if it exits or takes longer than
 * `timeout`). `stop` sends SIGTERM to its process group (npx/next spawn children) and waits for the exit.
 */
export const start = (
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; ready: RegExp; timeout?: number },
): Promise<Running> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      // CI=true turns colours on in some tools (vite): plain text is what `ready` is matched against.
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {}
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {}
        }, 5_000);
        await exited;
        clearTimeout(timer);
      }
    };
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(
          `${command} ${args.join(' ')} did not get ready within ${options.timeout ?? 60_000} ms:\n${output}`,
        ),
      );
    }, options.timeout ?? 60_000);
    const onData = (chunk: Buffer) => {
      // ANSI colour codes (ESC [ … m) stripped, in case a tool colours its output anyway.
      output += String(chunk).replace(/\x1b\[[0-9;]*m/g, '');
      const m = options.ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ child, output: () => output, match: m[1] ?? m[0], stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before it was ready:\n${output}`),
      );
    });
  });

export interface Tracker {
  /** Where the apps' `https://tracker.example` postbacks are sent instead (see tracker-preload.mjs). */
  origin: string;
  /** Path and query of every request received, in order. */
  received: string[];
  /** Resolves once `n` requests have arrived (or rejects after 10 s). */
  waitFor: (n: number) => Promise<string[]>;
  close: () => Promise<void>;
}

/**
 * The requests a tracker received, in order: `record` one (its path and query), `waitFor(n)` resolves once `n`
 * have arrived (or rejects after 10 s). Shared by the HTTP tracker below and the Worker test's outboundService.
 */
export const postbackLog = (): Pick<Tracker, 'received' | 'waitFor'> & { record: (path: string) => void } => {
  const received: string[] = [];
  const waiters: (() => void)[] = [];
  return {
    received,
    record(path) {
      received.push(path);
      for (const w of waiters.splice(0)) w();
    },
    waitFor: (n) =>
      new Promise<string[]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`tracker: ${received.length} of ${n} postbacks`)),
          10_000,
        );
        const check = () => {
          if (received.length >= n) {
            clearTimeout(timer);
            resolve(received);
          } else waiters.push(check);
        };
        check();
      }),
  };
};

/** A stand-in affiliate tracker on 127.0.0.1 that records every postback and answers 200. */
export const startTracker = async (): Promise<Tracker> => {
  const { received, record, waitFor } = postbackLog();
  const server: Server = createServer((req, res) => {
    req.resume();
    res.end('ok');
    record(req.url ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    waitFor,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

/** `node --import` this in an app so that its postbacks to https://tracker.example reach `startTracker()`. */
export const trackerPreload = join(ROOT, 'test', 'apps', 'tracker-preload.mjs');

/** The environment an app server runs with: its webhook secret, and postbacks redirected to the tracker. */
export const appEnv = (tracker: Tracker, secret: string): NodeJS.ProcessEnv => ({
  STRIPE_WEBHOOK_SECRET: secret,
  CLICKTRAIL_TEST_TRACKER: tracker.origin,
  NODE_OPTIONS: `--import=${trackerPreload}`,
});

export const WEBHOOK_SECRET = 'whsec_clicktrail_apps_0123456789abcdef';

/** A Node server app of test/apps, running: its origin, the tracker its postbacks reach, and `stop` for afterAll. */
export interface NodeApp {
  app: Awaited<ReturnType<typeof prepareApp>>;
  origin: string;
  tracker: Tracker;
  stop: () => Promise<void>;
}

/**
 * Installs test/apps/<name> from the tarball, builds it (`npm run build`), and runs `node dist/main.js` (which
 * prints `listening on <port>`) with the webhook secret and its postbacks sent to a fresh tracker. What started
 * is stopped again when a later step fails.
 */
export const startNodeApp = async (name: string): Promise<NodeApp> => {
  let app: NodeApp['app'] | undefined;
  let tracker: Tracker | undefined;
  let server: Running | undefined;
  const stop = () =>
    teardown(
      () => server?.stop(),
      () => tracker?.close(),
      () => app?.cleanup(),
    );
  try {
    app = await prepareApp(name);
    await app.build();
    tracker = await startTracker();
    server = await start(process.execPath, ['dist/main.js'], {
      cwd: app.dir,
      env: appEnv(tracker, WEBHOOK_SECRET),
      ready: /listening on (\d+)/,
    });
    return { app, origin: `http://127.0.0.1:${server.match}`, tracker, stop };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
};

const stripe = new Stripe('sk_test_unused');

/**
 * A paid `checkout.session.completed` event for a click id, signed by the real `stripe` package as Stripe signs
 * it, and the same body tampered with (the amount changed after signing).
 */
export const signedCheckout = (clickId: string, amountTotal = 4900) => {
  const session = `cs_test_${Math.random().toString(36).slice(2)}`;
  const event = {
    id: `evt_test_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: session,
        object: 'checkout.session',
        amount_total: amountTotal,
        currency: 'usd',
        client_reference_id: clickId,
        customer_details: { email: 'jane@example.com' },
        metadata: {},
        mode: 'payment',
        payment_status: 'paid',
        status: 'complete',
      },
    },
  };
  const body = JSON.stringify(event);
  const signature = stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
  return {
    session,
    body,
    tampered: body.replace(`"amount_total":${amountTotal}`, `"amount_total":${amountTotal * 100}`),
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  };
};

/**
 * The webhook contract every app must keep, driven over HTTP: a signed event answers 200 and sends exactly one
 * postback with the click id; the same event again answers 200 without a second postback; the tampered body
 * answers 400.
 */
export const checkWebhook = async (
  post: (body: string, headers: Record<string, string>) => Promise<Response>,
  tracker: Tracker,
  expect: typeof import('vitest').expect,
) => {
  const before = tracker.received.length;
  const clickId = `clk_${Math.random().toString(36).slice(2, 10)}`;
  const event = signedCheckout(clickId);
  const first = await post(event.body, event.headers);
  expect(first.status, await first.clone().text()).toBe(200);
  expect(await first.json()).toEqual({ received: true });
  const [postback] = (await tracker.waitFor(before + 1)).slice(before);
  expect(postback).toBe(`/postback?clickid=${clickId}&amount=49&currency=USD&tx=${event.session}`);
  const again = await post(event.body, event.headers);
  expect(again.status).toBe(200);
  expect(await again.json()).toEqual({ received: true, duplicate: true });
  const tampered = await post(event.tampered, event.headers);
  expect(tampered.status).toBe(400);
  expect(await tampered.json()).toMatchObject({ error: 'no_match' });
  expect(tracker.received.length).toBe(before + 1);
};
