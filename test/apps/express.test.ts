import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appEnv,
  checkWebhook,
  prepareApp,
  type Running,
  sh,
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
  app = await prepareApp('express');
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

describe('Express 5 app (CommonJS)', () => {
  it('runs clicktrail from require(), not the ESM build', async () => {
    const out = await sh(
      process.execPath,
      ['-e', "console.log(require.resolve('clicktrail/server'), require.resolve('clicktrail/server/node'))"],
      { cwd: app.dir },
    );
    expect(out.trim()).toMatch(/dist\/server\/index\.cjs \S+dist\/server\/node\.cjs$/);
  });

  it('answers a signed webhook 200 once with one postback, a duplicate 200, a tampered one 400', async () => {
    await checkWebhook(
      (body, headers) => fetch(`${origin}/api/stripe`, { method: 'POST', body, headers }),
      tracker,
      expect,
    );
  });

  it('sets the click id cookies on a landing request', async () => {
    const response = await fetch(`${origin}/?affS1=ex42&affid=3&utm_source=x`);
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^click_id=ex42; /);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/; path=\/(;|$)/i);
      expect(cookie).toMatch(/; samesite=lax/i);
    }
    expect(decodeURIComponent(cookies[1]!.split(';')[0]!)).toMatch(
      /^click_id_data=ct_src=affS1&ct_exp=\d+&affid=3$/,
    );
    // No click id, no cookie.
    expect((await fetch(`${origin}/about`)).headers.getSetCookie()).toEqual([]);
  });
});
