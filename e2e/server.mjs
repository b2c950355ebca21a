// The HTTPS server behind the end-to-end tests (and reusable by the demo): one static site for every
// hostname, so `shop.example.co.uk`, `checkout.example.co.uk` and `other.example.net` are all the same
// example shop, and real public-suffix cookie rules apply because the browser sees real hostnames.
//
//   /              examples/shop/
//   /dist/         the built bundles (npx rollup -c)
//   /vendor/js-cookie.mjs   js-cookie's ESM build, which dist/index.js imports as 'js-cookie' (see the SPA's import map)
//   /__requests    JSON of every request recorded so far (for callers in another process)
//
// Every request is recorded (method, full URL with the Host it was sent to, headers, body). Requests to a
// stand-in host (Stripe's `buy.stripe.com`, a Stripe custom domain…) get a small page that shows the URL
// they arrived with, the way Stripe's checkout would receive it.
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:https';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import selfsigned from 'selfsigned';
import { TYPES } from '../examples/demo/lib/static.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Hosts that answer with the stand-in checkout page instead of the shop. */
export const STANDIN_HOSTS = [
  'buy.stripe.com',
  'checkout.stripe.com',
  'pay.example.com',
  'checkout.thirdparty.example',
  'example.org',
];

const MAX_RECORDS = 2000;
const MAX_BODY = 64 * 1024;

/** The Chromium flag value that sends every hostname (but localhost) to the server on `port`. */
export const resolverRule = (port) => `MAP * 127.0.0.1:${port}, EXCLUDE localhost, EXCLUDE 127.0.0.1`;

/** A self-signed certificate, generated once and cached in e2e/.certs/ (gitignored). */
export async function certificate(dir = join(ROOT, 'e2e', '.certs')) {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  try {
    if (statSync(certFile).mtimeMs > Date.now() - 300 * 86400e3) {
      return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
    }
  } catch {
    // No cache yet: generate below.
  }
  const names = [
    'localhost',
    '*.example.co.uk',
    '*.example.test',
    '*.github.io',
    '*.example.net',
    '*.stripe.com',
  ];
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'clicktrail e2e' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 86400e3),
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [...names.map((value) => ({ type: 2, value })), { type: 7, ip: '127.0.0.1' }],
      },
    ],
  });
  // Two workers may race to create the cache: write aside, then rename (atomic), so nobody reads half a file.
  mkdirSync(dir, { recursive: true });
  const tmp = `.${process.pid}.${Date.now()}`;
  writeFileSync(keyFile + tmp, pems.private);
  writeFileSync(certFile + tmp, pems.cert);
  renameSync(keyFile + tmp, keyFile);
  renameSync(certFile + tmp, certFile);
  return { key: pems.private, cert: pems.cert };
}

const escapeHtml = (s) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const standinPage = (url) => {
  const params = [...new URL(url).searchParams].map(
    ([k, v]) => `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`,
  );
  return `<!doctype html><meta charset="utf-8"><title>Stand-in checkout</title>
<h1>Stand-in checkout</h1><p>This page stands in for <b>${escapeHtml(new URL(url).host)}</b>. It was opened with:</p>
<p><code id="url">${escapeHtml(url)}</code></p><table>${params.join('')}</table>`;
};

/** Maps a URL path to a file under one of the roots, or undefined (never outside a root). */
const fileFor = (pathname, mounts) => {
  for (const [prefix, dir] of mounts) {
    if (pathname !== prefix.slice(0, -1) && !pathname.startsWith(prefix)) continue;
    const rel = decodeURIComponent(pathname.slice(prefix.length));
    let file = normalize(join(dir, rel));
    if (file !== dir && !file.startsWith(dir + sep)) return undefined;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (existsSync(file) && statSync(file).isFile()) return file;
    return undefined;
  }
  return undefined;
};

/**
 * Starts the HTTPS server on 127.0.0.1 (port 0 = a free one). Resolves to
 * `{ port, requests, recorded(host?), clear(), close() }`.
 * `handle(record, res)` may answer a request first (return true when it did), e.g. to add a demo's endpoints.
 * @param {import('./server.d.mts').ServerOptions} [options]
 */
export async function startServer(options = {}) {
  const shop = resolve(options.shop ?? join(ROOT, 'examples', 'shop'));
  const dist = resolve(options.dist ?? join(ROOT, 'dist'));
  const standins = options.standins ?? STANDIN_HOSTS;
  const jsCookie = join(ROOT, 'node_modules', 'js-cookie', 'dist', 'js.cookie.mjs');
  // Longest prefix first so /dist/ wins over /.
  const mounts = [
    ['/dist/', dist],
    ['/', shop],
  ];
  /** @type {import('./server.d.mts').RecordedRequest[]} */
  const requests = [];

  const server = createServer(await certificate(), (req, res) => {
    const host = (req.headers.host ?? '127.0.0.1').toLowerCase();
    const url = `https://${host}${req.url}`;
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const record = {
        method: req.method ?? 'GET',
        url,
        host: host.replace(/:\d+$/, ''),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        time: Date.now(),
      };
      requests.push(record);
      if (requests.length > MAX_RECORDS) requests.shift();
      if (options.log) console.log(`${record.method} ${url}`);
      respond(record, res);
    });
  });

  const respond = (record, res) => {
    const { pathname } = new URL(record.url);
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (options.handle?.(record, res)) return;
    if (pathname === '/__requests') return send(200, TYPES['.json'], JSON.stringify(requests));
    if (standins.includes(record.host)) return send(200, TYPES['.html'], standinPage(record.url));
    if (pathname === '/vendor/js-cookie.mjs') return sendFile(res, jsCookie);
    if (record.method !== 'GET' && record.method !== 'HEAD')
      return send(200, TYPES['.html'], '<!doctype html><p>Received.</p>');
    const file = fileFor(pathname, mounts);
    if (!file) return send(404, TYPES['.txt'], `Not found: ${pathname}`);
    sendFile(res, file);
  };

  const sendFile = (res, file) => {
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  };

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', ok);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    port,
    requests,
    recorded: (host) => requests.filter((r) => host === undefined || r.host === host),
    clear: () => void requests.splice(0),
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok(undefined));
      }),
  };
}

// `node e2e/server.mjs [port]`: serve the shop by hand (open with Chromium and the host-resolver rule below).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const s = await startServer({ port: Number(process.argv[2]) || 0, log: true });
  console.log(
    `https://127.0.0.1:${s.port}/  (chromium --host-resolver-rules="MAP * 127.0.0.1:${s.port}" --ignore-certificate-errors https://shop.example.test/)`,
  );
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
