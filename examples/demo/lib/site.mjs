// The demo merchant site: the example shop and the bundles as static files, plus the demo's own routes.
import { readBody, sendJson } from './listen.mjs';
import { purchaseFrom, simulatePurchase } from './purchase.mjs';
import { renderReceived } from './received.mjs';
import { serveStatic } from './static.mjs';

/** How long a simulated purchase waits for its postbacks to be delivered before it answers anyway. */
const DELIVERY_WAIT_MS = 5000;

/** A postback row as the demo page shows it (the shape of the dispatcher's log entries). */
const shown = (row) => ({
  id: row.id,
  rule: row.rule,
  method: row.method,
  url: row.url,
  delivery: row.status,
  ok: row.status === 'delivered',
  status: row.lastHttpStatus,
  attempts: row.attempts,
  error: row.lastError,
  transactionId: row.transactionId,
});

/**
 * The site's request handler. `state` is the demo's live state ({ tracker, outbox }), `report` the postbacks
 * report (clicktrail/server's postbackReport, as a Node handler), `readClickData` the server module's cookie reader,
 * `webhookUrl` and `secret` where and how simulated purchases are sent.
 */
export const siteHandler = ({ mounts, state, report, readClickData, cookie, webhookUrl, secret }) => {
  const files = serveStatic(mounts);
  // The worker delivers in the background; the demo page waits for it so it can show the outcome.
  const delivered = async (transactionId) => {
    const until = Date.now() + DELIVERY_WAIT_MS;
    for (;;) {
      const { rows } = await state.outbox.list({ transactionId });
      if (Date.now() > until || rows.every((r) => r.status !== 'pending' && r.status !== 'delivering'))
        return rows.sort((a, b) => a.id - b.id);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  return async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://demo.invalid').pathname;
    try {
      if (pathname === '/demo') {
        res.writeHead(301, { location: '/demo/' });
        return res.end();
      }
      if (pathname === '/demo/whoami.json') {
        const data = readClickData(req.headers.cookie, cookie);
        return sendJson(res, 200, { clickId: data?.id ?? null, params: data?.kept ?? {} });
      }
      if (pathname === '/demo/report.json') {
        const { rows } = await state.outbox.list({ limit: 1000 });
        return sendJson(res, 200, { postbacks: rows.map(shown), received: state.tracker.records });
      }
      // The library's report page, mounted as a merchant would (behind their own auth; the demo is local only).
      if (pathname === '/demo/report') return report(req, res);
      if (pathname === '/demo/received') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        return res.end(renderReceived(state.tracker.records));
      }
      if (pathname === '/demo/purchase') {
        // JSON only: a cross-site <form> cannot send it, so another page cannot buy on the visitor's behalf.
        if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/json')) {
          return sendJson(res, 405, { error: 'POST application/json to simulate a purchase' });
        }
        const data = readClickData(req.headers.cookie, cookie);
        if (!data) {
          return sendJson(res, 409, {
            error: `no ${cookie} cookie on this request: land with ?${cookie}=demo123 first, then simulate the purchase`,
          });
        }
        const purchase = purchaseFrom(await readBody(req));
        const { event, webhook } = await simulatePurchase({
          clickId: data.id,
          metadata: data.kept,
          purchase,
          webhookUrl,
          secret,
        });
        const session = event.data.object.id;
        return sendJson(res, 200, {
          clickId: data.id,
          clientReferenceId: event.data.object.client_reference_id,
          event: { id: event.id, type: event.type, session },
          webhook,
          postbacks: (await delivered(session)).map(shown),
        });
      }
      if (await files(req, res, pathname)) return;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: String(error?.message ?? error) });
      else res.end();
    }
  };
};
