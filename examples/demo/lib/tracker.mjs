// The stand-in tracker: an affiliate platform's postback endpoint that records exactly what arrived.
import { createServer } from 'node:http';
import { readBody, sendJson } from './listen.mjs';

/** Decodes a query string or form body into [name, value] pairs, in order, duplicates kept. */
const pairs = (query) => [...new URLSearchParams(query)];

/**
 * A tracker server: every request except `GET /received` is recorded (method, raw path and query,
 * decoded params, raw body) and answered 200 `OK`, as trackers do. `records` is the live list.
 */
export const createTracker = () => {
  const records = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/received') return sendJson(res, 200, records);
    const q = url.indexOf('?');
    const type = req.headers['content-type'] ?? '';
    let bodyParams = [];
    if (type.startsWith('application/x-www-form-urlencoded')) bodyParams = pairs(body);
    else if (type.startsWith('application/json')) {
      try {
        bodyParams = Object.entries(JSON.parse(body)).map(([k, v]) => [k, String(v)]);
      } catch {
        // A body that is not JSON is recorded raw; the report shows it as it came.
      }
    }
    records.push({
      at: new Date().toISOString(),
      method: req.method,
      path: q < 0 ? url : url.slice(0, q),
      rawQuery: q < 0 ? '' : url.slice(q + 1),
      query: pairs(q < 0 ? '' : url.slice(q + 1)),
      contentType: type,
      body,
      bodyParams,
    });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('OK');
  });
  return { server, records };
};
