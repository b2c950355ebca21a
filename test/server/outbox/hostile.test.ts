// The outbox path under the hardening rules the direct path follows: a value that would move the path is a skip,
// not a failed dispatch; hooks that reject never become unhandled rejections; a redirect is not a delivery.
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, type PostbackResult } from '../../../src/server/index';
import { memoryOutbox } from '../../../src/server/outbox/memory';
import { createWorker } from '../../../src/server/outbox/worker';
import { type Receiver, startReceiver } from '../receiver';

const conversion = (clickId: string, transactionId: string) => ({
  clickId,
  transactionId,
  amount: 5,
  currency: 'USD',
});

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** Collects unhandled rejections while `run` runs (and one macrotask after, when Node reports them). */
const unhandledDuring = async (run: () => Promise<unknown>): Promise<unknown[]> => {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
};

describe('the outbox under hostile values and hooks', () => {
  it('a click id that would make a dot segment is a skipped row, not a failed dispatch', async () => {
    const dispatch = createDispatcher({
      outbox: memoryOutbox(),
      rules: [{ id: 'path', url: 'https://t.example/acct42/postback/{click_id}' }],
    });
    const [entry] = await dispatch(conversion('..', 't-dots'));
    expect(entry).toMatchObject({ outcome: 'skipped', error: expect.stringMatching(/'\.\.'/) });
  });

  it('a log, onError or onAttempt that rejects never becomes an unhandled rejection', async () => {
    receiver = await startReceiver(() => ({ status: 500 }));
    const outbox = memoryOutbox();
    const rejecting = async () => {
      throw new Error('log sink down');
    };
    const rules = [{ id: 'r', url: `${receiver.url}/pb?k={transaction_id}` }];
    const unhandled = await unhandledDuring(async () => {
      const [entry] = await createDispatcher({ outbox, rules, log: rejecting })(conversion('c', 't-log'));
      expect(entry?.outcome).toBe('queued');
      const worker = createWorker({
        outbox,
        rules,
        onAttempt: rejecting,
        onError: rejecting,
        sendOptions: { timeoutMs: 2000 },
      });
      expect(await worker.deliverDue()).toMatchObject({ claimed: 1, retrying: 1 });
    });
    expect(unhandled).toEqual([]);
  });

  it('a redirect is a failed attempt that is not retried, and nothing reaches its target', async () => {
    const target = await startReceiver(() => ({ status: 200 }));
    try {
      receiver = await startReceiver(() => ({
        status: 302,
        headers: { location: `${target.url}/x?k=stolen` },
      }));
      const outbox = memoryOutbox();
      const rules = [{ id: 'r', url: `${receiver.url}/pb?k={transaction_id}` }];
      const log: PostbackResult[] = [];
      await createDispatcher({ outbox, rules, log: (e) => void log.push(e) })(conversion('c', 't-redirect'));
      const summary = await createWorker({ outbox, rules }).deliverDue();
      expect(summary).toMatchObject({ claimed: 1, failed: 1, retrying: 0 });
      const [row] = (await outbox.list({})).rows;
      expect(row).toMatchObject({
        status: 'failed',
        lastError: expect.stringMatching(/HTTP 302 redirect to .*not followed/),
      });
      expect(target.attempts.size).toBe(0);
    } finally {
      await target.close();
    }
  });
});
