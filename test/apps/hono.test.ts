import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appEnv,
  checkWebhook,
  prepareApp,
  type Running,
  start,
  startTracker,
  type Tracker,
  teardown,
  WEBHOOK_SECRET,
} from './lib';

let app: Awaited<ReturnType<typeof prepareApp>>;
let server: Running;
let tracker: Tracker;
let origin: string;

beforeAll(async () => {
  app = await prepareApp('hono');
  await app.build(); // tsc -p .
  tracker = await startTracker();
  server = await start(process.execPath, ['dist/main.js'], {
    cwd: app.dir,
    env: appEnv(tracker, WEBHOOK_SECRET),
    ready: /listening on (\d+)/,
  });
  origin = `http://127.0.0.1:${server.match}`;
});

afterAll(() =>
  teardown(
    () => server?.stop(),
    () => tracker?.close(),
    () => app?.cleanup(),
  ),
);

describe('Hono app on Node (ESM)', () => {
  it('answers a signed webhook 200 once with one postback, a duplicate 200, a tampered one 400', async () => {
    await checkWebhook(
      (body, headers) => fetch(`${origin}/api/stripe`, { method: 'POST', body, headers }),
      tracker,
      expect,
    );
  });

  it('sets the click id cookies on a landing request, and none without a click id', async () => {
    const cookies = (await fetch(`${origin}/?click_id=hn42&affid=5`)).headers.getSetCookie();
    expect(cookies.map((c) => decodeURIComponent(c.split(';')[0]!))).toEqual([
      'click_id=hn42',
      expect.stringMatching(/^click_id_data=ct_src=click_id&ct_exp=\d+&affid=5$/),
    ]);
    expect((await fetch(`${origin}/pricing`)).headers.getSetCookie()).toEqual([]);
  });
});
