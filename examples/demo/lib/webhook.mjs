// The demo server: the merchant's backend, as a user of clicktrail/server would write it.
import { sendJson } from './listen.mjs';

/**
 * A node:http handler with `POST /webhooks/stripe` (verify, turn into a Conversion, dispatch the postbacks) and
 * nothing else. `server` is the built clicktrail/server module, `node` its Node adapters; each log entry and each
 * handled event is appended to `state` for the report.
 */
export const webhookHandler = ({ server, node, secret, rules, state, log }) => {
  const dispatch = server.createDispatcher({
    rules,
    // The demo tracker is local and quick: fail fast rather than hold the page for minutes.
    sendOptions: { timeoutMs: 5000, retries: 2, backoffMs: 100 },
    log: (entry) =>
      log(`postback ${entry.rule}: ${entry.outcome} ${entry.status ?? ''} ${entry.method} ${entry.url}`),
  });
  const stripe = node.nodeWebhookHandler({
    secret,
    onConversion: async (conversion, event) => {
      state.events.push({ id: event.id, type: event.type, conversion });
      log(
        `webhook ${event.id} ${event.type}: click id ${conversion.clickId}, ${conversion.amount} ${conversion.currency}`,
      );
      const results = await dispatch(conversion);
      state.postbacks.push(...results.map((r) => ({ ...r, transactionId: conversion.transactionId })));
    },
    onError: (error) => log(`webhook refused: ${error?.message ?? error}`),
  });
  return (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://demo.invalid');
    if (pathname === '/webhooks/stripe') return stripe(req, res);
    sendJson(res, 404, { error: 'not found: POST Stripe events to /webhooks/stripe' });
  };
};
