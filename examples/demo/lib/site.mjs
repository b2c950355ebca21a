// The demo merchant site: the example shop and the bundles as static files, plus the demo's own routes.
import { readBody, sendJson } from './listen.mjs';
import { purchaseFrom, simulatePurchase } from './purchase.mjs';
import { renderReport } from './report.mjs';
import { serveStatic } from './static.mjs';

/**
 * The site's request handler. `state` is the demo's live log ({ postbacks, events, tracker }), `readClickData`
 * the server module's cookie reader, `webhookUrl` and `secret` where and how simulated purchases are sent.
 */
export const siteHandler = ({ mounts, state, readClickData, cookie, webhookUrl, secret }) => {
  const files = serveStatic(mounts);
  const report = () => ({
    postbacks: state.postbacks,
    received: state.tracker.records,
    events: state.events,
  });

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
      if (pathname === '/demo/report.json') return sendJson(res, 200, report());
      if (pathname === '/demo/report') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        return res.end(renderReport(report()));
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
          postbacks: state.postbacks.filter((p) => p.transactionId === session),
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
