// Server figures, from the built `dist/server/index.js`, against the naive new URL() + searchParams code
// and stripe-node's own signature check, measured side by side in one process.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';
import { naiveBuild, naiveRender } from './baselines/naive-postback.mjs';
import { compare } from './lib/micro.mjs';
import { startReceiver } from './lib/receiver.mjs';
import { isMain, median, row, throughput } from './lib/stats.mjs';

// BENCH_SERVER_ENTRY points at another build (a path), e.g. to compare two versions.
const entry = process.env.BENCH_SERVER_ENTRY
  ? pathToFileURL(process.env.BENCH_SERVER_ENTRY)
  : new URL('../dist/server/index.js', import.meta.url);

const TEMPLATE =
  'https://tracker.example/postback?clickid={affS1}&amount={payout}&currency={currency}&txid={transaction_id}&source=shop';
const VALUES = {
  affS1: 'a520dca8-ab08-4640-af65-034be3a68909',
  payout: 150,
  currency: 'USD',
  transaction_id: 'cs_test_a1b2c3d4e5f6',
};
// The seed example of issue 4.
const BASE = 'https://exmaple-tracking.tracknow.info/postback';
const PARAMS = {
  click_id: 'a520dca8-ab08-4640-af65-034be3a68909',
  campaign_id: 1,
  order_id: 23315,
  amount: 150,
  first_name: 'John',
  email: 'john.example@gmail.com',
};
const REQUIRED = { required: ['click_id', 'campaign_id', 'amount'] };

// A realistic checkout.session.completed event, pretty-printed as Stripe sends it.
const EVENT = JSON.stringify(
  {
    id: 'evt_1PbenchAAAAAAAAAAAAAAAAA',
    object: 'event',
    api_version: '2024-06-20',
    created: 1_720_000_000,
    type: 'checkout.session.completed',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: 'cs_test_a1b2c3d4e5f6',
        object: 'checkout.session',
        amount_subtotal: 1999,
        amount_total: 1999,
        client_reference_id: 'a520dca8-ab08-4640-af65-034be3a68909',
        currency: 'usd',
        customer_details: { email: 'john.example@gmail.com', name: 'John Example' },
        metadata: {},
        mode: 'payment',
        payment_status: 'paid',
        status: 'complete',
        url: null,
      },
    },
  },
  null,
  2,
);
const SECRET = 'whsec_bench0000000000000000000000000000';

const DISPATCH = { count: 2000, concurrency: 50, repeats: 5 };

const dispatchBench = async (api, checks, log) => {
  const receiver = await startReceiver();
  const template = `${receiver.origin}/postback?clickid={click_id}&amount={amount}&currency={currency}&txid={transaction_id}`;
  const rates = { clicktrail: [], baseline: [] };
  try {
    // Warm-up: JIT, connection pool and the receiver's first sockets, for both sides.
    const warm = api.createDispatcher?.({ rules: [{ id: 'warm', url: template }], throwOnFailure: false });
    await throughput(500, DISPATCH.concurrency, async (i) => {
      const values = { click_id: VALUES.affS1, amount: 1, currency: 'USD', transaction_id: `warm_${i}` };
      await warm?.({ clickId: VALUES.affS1, transactionId: `warm_${i}`, amount: 1, currency: 'USD' });
      await (await fetch(naiveRender(template, values))).arrayBuffer();
    });
    await receiver.stats();
    for (let r = 0; r < DISPATCH.repeats; r++) {
      log(`server: dispatch round ${r + 1}/${DISPATCH.repeats}`);
      const failures = { clicktrail: 0, baseline: 0 };
      const dispatch = api.createDispatcher?.({
        rules: [{ id: 'bench', url: template }],
        throwOnFailure: false,
      });
      const sides = {
        clicktrail: async (i) => {
          const [result] = await dispatch({
            clickId: VALUES.affS1,
            transactionId: `cs_ct_${r}_${i}`,
            amount: 19.99,
            currency: 'USD',
          });
          if (!result?.ok) failures.clicktrail++;
        },
        // The same URL rendered naively and fetched directly: no dedupe, no retries, no timeout, no log.
        baseline: async (i) => {
          const values = {
            click_id: VALUES.affS1,
            amount: 19.99,
            currency: 'USD',
            transaction_id: `cs_nv_${r}_${i}`,
          };
          const res = await fetch(naiveRender(template, values));
          await res.arrayBuffer();
          if (!res.ok) failures.baseline++;
        },
      };
      // Alternate which side goes first, so neither always gets the warmer (or the busier) half of a round.
      const order = r % 2 ? ['baseline', 'clicktrail'] : ['clicktrail', 'baseline'];
      const seen = {};
      for (const side of order) {
        if (side === 'clicktrail' && !dispatch) continue;
        rates[side].push(await throughput(DISPATCH.count, DISPATCH.concurrency, sides[side]));
        seen[side] = { ...(await receiver.stats()), failures: failures[side] };
      }
      checks[`dispatch round ${r + 1}`] = seen;
    }
  } finally {
    await receiver.close();
  }
  // Delivery must be exact for the rate to count: every postback arrived once, none failed.
  const bad = Object.values(checks)
    .filter((c) => c?.clicktrail)
    .some(({ clicktrail: c }) => c.failures || c.dupes || c.unique !== DISPATCH.count);
  return {
    clicktrail: rates.clicktrail.length ? median(rates.clicktrail) : null,
    baseline: median(rates.baseline),
    note: bad ? 'some postbacks failed, were lost or arrived twice (see results.json checks)' : undefined,
  };
};

const SEED_URL =
  'https://exmaple-tracking.tracknow.info/postback?click_id=a520dca8-ab08-4640-af65-034be3a68909&campaign_id=1&order_id=23315&amount=150&first_name=John&email=john.example%40gmail.com';

/** Runs the server benchmark; resolves to result rows and sanity checks. */
export const benchServer = async ({ log = () => {} } = {}) => {
  let api = {};
  let loadError;
  if (existsSync(entry)) {
    try {
      api = await import(entry.href);
    } catch (error) {
      loadError = `n/a: dist/server/index.js does not load: ${String(error?.message ?? error).split('\n')[0]}`;
    }
  }
  const stripe = new Stripe('sk_test_bench', { telemetry: false });
  const crypto = Stripe.createSubtleCryptoProvider();
  const header = stripe.webhooks.generateTestHeaderString({ payload: EVENT, secret: SECRET });
  const checks = {};
  const notes = {};

  // Each function is first called once and its answer checked: a figure for code that throws or gives a
  // different answer would mean nothing, so a throw makes the row n/a and a wrong answer is noted.
  const probe = async (name, check) => {
    if (typeof api[name] !== 'function') {
      notes[name] = loadError ?? `n/a: ${name} is not built (dist/server/index.js)`;
      return false;
    }
    try {
      checks[name] = await check();
      if (!checks[name]) notes[name] = 'output differs from the expected one (see results.json checks)';
      return true;
    } catch (error) {
      notes[name] = `n/a: ${name} threw: ${String(error?.message ?? error).split('\n')[0]}`;
      return false;
    }
  };
  const canBuild = await probe(
    'buildPostbackUrl',
    () => api.buildPostbackUrl(BASE, PARAMS, REQUIRED) === SEED_URL,
  );
  const canRender = await probe(
    'renderPostback',
    () => api.renderPostback(TEMPLATE, VALUES) === naiveRender(TEMPLATE, VALUES),
  );
  const canVerify = await probe(
    'verifyStripeEvent',
    async () =>
      (await api.verifyStripeEvent(EVENT, header, SECRET, { toleranceSeconds: 300 }))?.id ===
      stripe.webhooks.constructEvent(EVENT, header, SECRET).id,
  );
  const canDispatch = await probe('createDispatcher', () => true);

  const rows = [];
  log('server: renderPostback');
  const render = await compare({
    clicktrail: { fn: canRender ? () => api.renderPostback(TEMPLATE, VALUES) : undefined },
    baseline: { fn: () => naiveRender(TEMPLATE, VALUES) },
  });
  rows.push(
    row(
      'server',
      'renderPostback (4 placeholders)',
      'ops/s',
      render.clicktrail,
      render.baseline,
      'new URL() + searchParams',
      notes.renderPostback,
    ),
  );

  log('server: buildPostbackUrl');
  const build = await compare({
    clicktrail: { fn: canBuild ? () => api.buildPostbackUrl(BASE, PARAMS, REQUIRED) : undefined },
    baseline: { fn: () => naiveBuild(BASE, PARAMS) },
  });
  rows.push(
    row(
      'server',
      'buildPostbackUrl (6 params, seed example)',
      'ops/s',
      build.clicktrail,
      build.baseline,
      'new URL() + searchParams',
      notes.buildPostbackUrl,
    ),
  );

  log('server: verifyStripeEvent');
  const verify = await compare({
    clicktrail: {
      fn: canVerify ? () => api.verifyStripeEvent(EVENT, header, SECRET) : undefined,
      async: true,
    },
    baseline: { fn: () => stripe.webhooks.constructEvent(EVENT, header, SECRET) },
    webCrypto: {
      fn: () => stripe.webhooks.constructEventAsync(EVENT, header, SECRET, undefined, crypto),
      async: true,
    },
  });
  const verifyName = `verifyStripeEvent (${EVENT.length}-byte event)`;
  rows.push(
    row(
      'server',
      verifyName,
      'ops/s',
      verify.clicktrail,
      verify.baseline,
      'stripe.webhooks.constructEvent',
      notes.verifyStripeEvent,
    ),
  );
  rows.push(
    row(
      'server',
      `${verifyName}, vs Stripe's Web Crypto path`,
      'ops/s',
      verify.clicktrail,
      verify.webCrypto,
      'constructEventAsync + SubtleCrypto',
      notes.verifyStripeEvent,
    ),
  );

  let dispatch = { clicktrail: null, baseline: null };
  try {
    dispatch = await dispatchBench(canDispatch ? api : {}, checks, log);
  } catch (error) {
    notes.createDispatcher ??= `n/a: ${String(error?.message ?? error).split('\n')[0]}`;
  }
  rows.push(
    row(
      'server',
      `dispatch ${DISPATCH.count.toLocaleString('en-US')} postbacks, ${DISPATCH.concurrency} in flight, keep-alive receiver (wall clock)`,
      'postbacks/s',
      dispatch.clicktrail,
      dispatch.baseline,
      'fetch(naive URL), no dedupe/retry/log',
      notes.createDispatcher ?? dispatch.note,
    ),
  );
  return { rows, checks };
};

if (isMain(import.meta.url)) {
  const { rows, checks } = await benchServer({ log: console.error });
  console.table(
    rows.map(({ name, value, baseline, ratio, note }) => ({ name, value, baseline, ratio, note })),
  );
  console.log(checks);
}
