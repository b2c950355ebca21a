// A keep-alive postback receiver on 127.0.0.1, in a worker thread so that answering requests does not
// share an event loop with the client being measured. It counts requests by path+query to prove delivery.
import { Worker } from 'node:worker_threads';

const source = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const seen = new Map();
const server = http.createServer({ keepAlive: true, keepAliveTimeout: 30000 }, (req, res) => {
  req.resume();
  req.on('end', () => {
    seen.set(req.url, (seen.get(req.url) || 0) + 1);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'stats') {
    let total = 0, dupes = 0;
    for (const n of seen.values()) { total += n; if (n > 1) dupes += n - 1; }
    parentPort.postMessage({ total, unique: seen.size, dupes });
    seen.clear();
  } else if (m === 'close') server.close(() => process.exit(0));
});`;

/** Starts the receiver; resolves to { origin, stats(), close() }. */
export const startReceiver = async () => {
  const worker = new Worker(source, { eval: true });
  const next = () => new Promise((ok) => worker.once('message', ok));
  const { port } = await next();
  return {
    origin: `http://127.0.0.1:${port}`,
    /** Requests seen since the last call: total, distinct URLs, and repeats. */
    stats: async () => {
      const reply = next();
      worker.postMessage('stats');
      return reply;
    },
    close: async () => {
      const exited = new Promise((ok) => worker.once('exit', ok));
      worker.postMessage('close');
      await exited;
    },
  };
};
