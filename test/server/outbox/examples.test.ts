// The README's outbox code is examples/server/outbox.mjs and outbox-serverless.mjs, verbatim; here they run:
// the Node server as its own process on the built package, the serverless routes in-process, each against a
// local tracker, on SQLite and on the test PostgreSQL cluster.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, postgresSkip } from '../../setup/postgres-context';
import { ensureBuilt, waitFor } from './fixtures/processes';
import { startTracker, type Tracker } from './fixtures/tracker';

const ROOT = resolve(__dirname, '../../..');
const stripe = new Stripe('sk_test_examples');
const secret = 'whsec_examples';
const signed = (id: string) => {
  const body = JSON.stringify({
    id,
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `cs_${id}`,
        amount_total: 4900,
        currency: 'usd',
        payment_status: 'paid',
        client_reference_id: `clk_${id}`,
      },
    },
  });
  return {
    body,
    headers: { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret }) },
  };
};

it('the README shows both examples verbatim', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const file of ['examples/server/outbox.mjs', 'examples/server/outbox-serverless.mjs']) {
    const code = readFileSync(join(ROOT, file), 'utf8');
    expect(readme, file).toContain(`\`\`\`js\n${code}\`\`\``);
  }
});

describe('examples/server/outbox.mjs (a Node server, its own process)', () => {
  let tracker: Tracker;
  const dir = mkdtempSync(join(tmpdir(), 'clicktrail-example-'));
  beforeAll(async () => {
    ensureBuilt();
    tracker = await startTracker();
  }, 180_000);
  afterAll(async () => {
    await tracker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (env: Record<string, string>, tag: string) => {
    const child = spawn(process.execPath, [join(ROOT, 'examples/server/outbox.mjs')], {
      cwd: dir,
      env: {
        ...process.env,
        PORT: '0',
        TRACKER_URL: tracker.url,
        STRIPE_WEBHOOK_SECRET: secret,
        ADMIN_PASSWORD: 'p:w',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      await waitFor(() => /listening on \d+/.test(out), `the server to listen (output: ${out})`);
      const origin = `http://127.0.0.1:${/listening on (\d+)/.exec(out)?.[1]}`;
      const { body, headers } = signed(`evt_${tag}`);
      const res = await fetch(`${origin}/api/stripe`, { method: 'POST', body, headers });
      expect(res.status).toBe(200);
      await waitFor(() => deliveredFor(tag) === 2, 'both postbacks delivered');
      expect((await fetch(`${origin}/admin/postbacks`)).status).toBe(401);
      const basic = (credentials: string) => ({
        authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
      });
      for (const wrong of ['admin:p', 'admin:p:w:x', 'p:w', 'admin:'])
        expect((await fetch(`${origin}/admin/postbacks`, { headers: basic(wrong) })).status, wrong).toBe(401);
      // A password with a colon in it: everything after the user name's colon is the password.
      const auth = basic('admin:p:w');
      const report = `${origin}/admin/postbacks?transaction_id=cs_evt_${tag}`;
      // The tracker has both requests; the worker records each answer just after it arrives.
      await waitFor(async () => {
        const { rows } = await (await fetch(`${report}&format=json`, { headers: auth })).json();
        return rows.filter((r: { status: string }) => r.status === 'delivered').length === 2;
      }, 'both rows recorded as delivered');
      const page = await (await fetch(report, { headers: auth })).text();
      expect(page.match(/<tr data-id="\d+" class="row-delivered">/g)).toHaveLength(2);
      expect(page).toContain('token=***');
      expect(page).not.toContain('s3cret');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  };
  // The tracker sees the trackdesk postback's txid and the tracknow postback's click id.
  const deliveredFor = (tag: string) =>
    tracker.requests.filter((r) => r.includes(`cs_evt_${tag}`) || r.includes(`clk_evt_${tag}`)).length;

  it('SQLite: the webhook commits, the worker delivers, the report is behind auth, SIGTERM exits cleanly', async () => {
    await run({ OUTBOX_DB: join(dir, 'postbacks.db') }, 'sqlite');
  }, 60_000);

  it.skipIf(!!postgresSkip)(
    `PostgreSQL (DATABASE_URL)${postgresSkip ? ` (SKIPPED: ${postgresSkip})` : ''}`,
    async () => {
      await run({ DATABASE_URL: await freshDatabase('example') }, 'pg');
    },
    60_000,
  );
});

describe.skipIf(!!postgresSkip)(
  `examples/server/outbox-serverless.mjs (route handlers)${postgresSkip ? ` (SKIPPED: ${postgresSkip})` : ''}`,
  () => {
    let tracker: Tracker;
    beforeAll(async () => {
      tracker = await startTracker();
    });
    afterAll(() => tracker.close());

    it('the webhook route commits; the cron route, with its secret, delivers what is due', async () => {
      Object.assign(process.env, {
        DATABASE_URL: await freshDatabase('serverless'),
        TRACKER_URL: tracker.url,
        STRIPE_WEBHOOK_SECRET: secret,
        CRON_SECRET: 'cron-s3cret',
      });
      const routes = await import('../../../examples/server/outbox-serverless.mjs');
      const { body, headers } = signed('evt_sls');
      const hook = await routes.POST(
        new Request('https://shop.example/api/stripe', { method: 'POST', body, headers }),
      );
      expect(hook.status).toBe(200);
      expect(tracker.requests).toEqual([]);
      const cron = (authorization?: string) =>
        routes.GET(
          new Request('https://shop.example/api/postbacks', {
            headers: authorization ? { authorization } : {},
          }),
        );
      expect((await cron()).status).toBe(401);
      expect(await (await cron('Bearer cron-s3cret')).json()).toMatchObject({
        claimed: 1,
        delivered: 1,
        more: false,
      });
      expect(tracker.requests).toHaveLength(1);
      expect(tracker.requests[0]).toContain('txid=cs_evt_sls');
    });
  },
);
