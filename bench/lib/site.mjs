// A local HTTPS origin for the browser benchmark: Chromium maps every hostname to 127.0.0.1, so
// https://shop.example.com:PORT/ is a real secure origin whose cookies obey the public-suffix rules.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { pageHtml } from './page.mjs';

const root = new URL('../../', import.meta.url).pathname;

/** The scripts under test, by arm name; '' is the control page with no script at all. */
export const ARMS = {
  control: '',
  clicktrail: '/dist/clicktrail.min.js',
  vendor: '/bench/baselines/vendor-stripe.js',
  rescan: '/bench/baselines/vendor-stripe-rescan.js',
};

const STATIC = /^\/(dist|bench\/baselines)\/[\w.-]+\.js$/;

/** Starts the server; resolves to { origin(host), close() }. */
export const startSite = async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'shop.example.com' }], {
    keyType: 'ec',
    algorithm: 'sha256',
  });
  const server = createServer({ key: pems.private, cert: pems.cert }, async (req, res) => {
    const url = new URL(req.url, 'https://x');
    try {
      if (url.pathname === '/bench') {
        const n = Number(url.searchParams.get('n')) || 0;
        const script = ARMS[url.searchParams.get('arm')] ?? '';
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(pageHtml(n, script));
      } else if (STATIC.test(url.pathname)) {
        const body = await readFile(join(root, url.pathname));
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
        res.end(body);
      } else {
        res.writeHead(404).end();
      }
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    origin: (host) => `https://${host}:${port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
};
