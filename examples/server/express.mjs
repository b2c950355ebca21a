// Express (documentation-grade: Express is not a dependency of this repo; `npm i express` to run it).
//   STRIPE_WEBHOOK_SECRET=whsec_… node examples/server/express.mjs

import { createDispatcher, readClickData } from 'clicktrail/server';
import { clickIdMiddleware, nodeWebhookHandler } from 'clicktrail/server/node';
import express from 'express';

const app = express();
const dispatch = createDispatcher({
  rules: [
    {
      id: 'network',
      // {click_id} is the id whichever param it arrived in (click_id or affS1); kept params are {affid}, {sub1}.
      url: 'https://tracker.example/postback?clickid={click_id}&sum={payout}&cur={currency}&sub1={sub1}',
      method: 'POST',
    },
  ],
  throwOnFailure: true,
});

// 1. The webhook comes BEFORE express.json(): Stripe signs the raw bytes, a parsed body can never verify.
//    (Or mount it with express.raw({ type: 'application/json' }); the handler takes the Buffer from req.body.)
app.post(
  '/api/stripe',
  nodeWebhookHandler({
    secret: process.env.STRIPE_WEBHOOK_SECRET,
    onConversion: (conversion) => dispatch(conversion),
  }),
);

// 2. Server-side capture: landing requests with ?click_id= get cookies that outlive Safari's 7-day cap on JS cookies.
app.use(clickIdMiddleware({ params: ['click_id', 'affS1'], keep: ['affid', 'sub1'] }));
app.use(express.json());

// 3. Your own checkout: read what the browser (or the middleware) stored and dispatch the conversion yourself.
app.post('/api/orders', async (req, res) => {
  const click = readClickData(req.headers.cookie);
  const order = { id: `ord_${Date.now()}`, total: Number(req.body.total ?? 0), currency: 'EUR' };
  if (click) {
    // A postback that fails must not fail the order: the log has it, and dispatching again sends only what failed.
    await dispatch({
      clickId: click.id,
      transactionId: order.id,
      amount: order.total,
      currency: order.currency,
      kept: click.kept,
    }).catch((error) => console.error(error.message));
  }
  res.json({ order, attributed: Boolean(click) });
});

app.listen(3000, () => console.log('http://localhost:3000/?click_id=demo-123'));
