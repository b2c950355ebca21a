// The demo server: the merchant's backend, as a user of clicktrail/server would write it.
import { sendJson } from './listen.mjs';

/**
 * A node:http handler with `POST /webhooks/stripe` (verify, turn into a Conversion, commit the postbacks to the
 * outbox) and nothing else, plus the worker that delivers them. `server` is the built clicktrail/server module,
 * `node` its Node adapters, `outbox` a store from clicktrail/server/sqlite. Resolves to `{ handler, worker }`.
 */
export const webhookHandler = ({ server, node, secret, rules, outbox, log }) => {
  // With an outbox, dispatch commits one row per matching rule and returns: the webhook answers Stripe at once,
  // and the worker sends the postbacks (retrying on a schedule if the tracker is down).
  const dispatch = server.createDispatcher({
    rules,
    outbox,
    log: (entry) =>
      log(`postback ${entry.rule}: ${entry.outcome} (row ${entry.id}) ${entry.method} ${entry.url}`),
  });
  const worker = server.createWorker({
    outbox,
    rules,
    // The demo tracker is local and quick: a short timeout, and a schedule of seconds so a failure shows soon.
    sendOptions: { timeoutMs: 5000 },
    retry: { schedule: [1000, 5000, 15_000] },
    onAttempt: ({ row, attempt, status }) =>
      log(
        `delivery ${row.rule} (row ${row.id}): ${status}, HTTP ${attempt.httpStatus ?? '-'} ${attempt.error ?? ''}`,
      ),
    onError: (error) => log(`worker: ${error?.message ?? error}`),
  });
  const stripe = node.nodeWebhookHandler({
    secret,
    onConversion: dispatch,
    onError: (error, event) => log(`webhook ${event?.id ?? ''} refused: ${error?.message ?? error}`),
  });
  const handler = (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://demo.invalid');
    if (pathname === '/webhooks/stripe') return stripe(req, res);
    sendJson(res, 404, { error: 'not found: POST Stripe events to /webhooks/stripe' });
  };
  return { handler, worker };
};
