import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhook, type NodeApp, startNodeApp } from './lib';

let running: NodeApp;
let origin: string;

beforeAll(async () => {
  running = await startNodeApp('hono'); // npm run build: tsc -p .
  origin = running.origin;
});

afterAll(() => running?.stop());

describe('Hono app on Node (ESM)', () => {
  it('answers a signed webhook 200 once with one postback, a duplicate 200, a tampered one 400', async () => {
    await checkWebhook(
      (body, headers) => fetch(`${origin}/api/stripe`, { method: 'POST', body, headers }),
      running.tracker,
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
