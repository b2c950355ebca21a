import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhook, type NodeApp, sh, startNodeApp } from './lib';

let running: NodeApp;
let origin: string;

beforeAll(async () => {
  running = await startNodeApp('express'); // npm run build: tsc -p .
  origin = running.origin;
});

afterAll(() => running?.stop());

describe('Express 5 app (CommonJS)', () => {
  it('runs clicktrail from require(), not the ESM build', async () => {
    const out = await sh(
      process.execPath,
      ['-e', "console.log(require.resolve('clicktrail/server'), require.resolve('clicktrail/server/node'))"],
      { cwd: running.app.dir },
    );
    expect(out.trim()).toMatch(/dist\/server\/index\.cjs \S+dist\/server\/node\.cjs$/);
  });

  it('answers a signed webhook 200 once with one postback, a duplicate 200, a tampered one 400', async () => {
    await checkWebhook(
      (body, headers) => fetch(`${origin}/api/stripe`, { method: 'POST', body, headers }),
      running.tracker,
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
