import { describe, expect, it } from 'vitest';
import { memoryOutbox } from '../../../src/server/outbox/memory';
import { newRow, outboxSuite, T0 } from './suite';

outboxSuite('memory outbox', async () => memoryOutbox());

describe('memoryOutbox', () => {
  it('says it is not durable', () => {
    expect(memoryOutbox()).toMatchObject({ kind: 'memory', durable: false });
  });

  it('makes room past maxRows by dropping the oldest finished rows only', async () => {
    const store = memoryOutbox({ maxRows: 2 });
    const [a] = await store.enqueue([newRow({ status: 'skipped', error: 'x' })], T0);
    await store.enqueue([newRow(), newRow()], T0);
    expect(await store.get(a?.row.id as number)).toBeUndefined();
    // Pending rows are never dropped, even past the cap: losing them would lose postbacks.
    await store.enqueue([newRow()], T0);
    expect((await store.stats()).pending).toBe(3);
  });
});
