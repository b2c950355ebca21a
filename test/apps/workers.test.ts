// Cloudflare Workers: the README's Worker (test/apps/workers/src/worker.ts), type-checked, bundled by esbuild with
// the workerd conditions as wrangler does, and run inside real workerd through Miniflare's programmatic API, with
// clicktrail from the packed tarball. No nodejs_compat: the edge-safe path (Web Crypto) is what runs. Postbacks to
// https://tracker.example are caught by Miniflare's outboundService, so nothing leaves the machine.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhook, postbackLog, prepareApp, type Tracker, teardown, WEBHOOK_SECRET } from './lib';

/** The part of Miniflare's API this test uses (miniflare is installed in the app, not in the repository). */
interface MiniflareLike {
  ready: Promise<URL>;
  dispatchFetch(
    url: string,
    init: { method: string; body: string; headers: Record<string, string> },
  ): Promise<{
    status: number;
    text(): Promise<string>;
  }>;
  dispose(): Promise<void>;
}

let app: Awaited<ReturnType<typeof prepareApp>>;
let mf: MiniflareLike;
const postbacks = postbackLog();

/** What checkWebhook needs of a tracker, fed by outboundService. */
const tracker: Tracker = {
  origin: 'https://tracker.example',
  received: postbacks.received,
  waitFor: postbacks.waitFor,
  close: async () => {},
};

beforeAll(async () => {
  app = await prepareApp('workers');
  await app.build(); // tsc --noEmit, then esbuild with the workerd conditions, as wrangler bundles
  const require = createRequire(join(app.dir, 'package.json'));
  const { Miniflare } = (await import(pathToFileURL(require.resolve('miniflare')).href)) as {
    Miniflare: new (options: Record<string, unknown>) => MiniflareLike;
  };
  mf = new Miniflare({
    modules: true,
    scriptPath: join(app.dir, 'dist', 'worker.js'),
    modulesRoot: app.dir, // module names are relative to it (the default, the cwd, is this repository)
    compatibilityDate: '2026-04-01',
    bindings: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET },
    host: '127.0.0.1',
    outboundService: async (request: Request) => {
      const url = new URL(request.url);
      if (url.hostname !== 'tracker.example')
        return new Response('unexpected outbound request', { status: 502 });
      postbacks.record(`${url.pathname}${url.search}`);
      return new Response('ok');
    },
  });
  await mf.ready;
});

afterAll(() =>
  teardown(
    () => mf?.dispose(),
    () => app?.cleanup(),
  ),
);

describe('Cloudflare Worker in workerd (Miniflare)', () => {
  it('answers a signed webhook 200 once with one postback, a duplicate 200, a tampered one 400', async () => {
    await checkWebhook(
      async (body, headers) => {
        const res = await mf.dispatchFetch('http://localhost/api/stripe', { method: 'POST', body, headers });
        // Miniflare's Response is undici's: hand checkWebhook a global one.
        return new Response(await res.text(), {
          status: res.status,
          headers: { 'content-type': 'application/json' },
        });
      },
      tracker,
      expect,
    );
  });
});
