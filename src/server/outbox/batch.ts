// Group commit: the durable stores write every call that arrives while a commit is being made (or in the same turn
// of the event loop) in the next single transaction. Each caller still resolves only after its own rows are
// committed, but N concurrent webhooks cost one fsync instead of N: that is what makes thousands per second possible.

import type { AttemptRecord, EnqueueResult, NewOutboxRow, OutboxStore } from './row';

const later: (fn: () => void) => void =
  (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate ?? ((fn) => setTimeout(fn, 0));

/** Resolves after I/O waiting in the event loop has had its turn (between the batches of a long job). */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => later(resolve));

/** Rows prune deletes per transaction. */
export const PRUNE_BATCH = 1000;

/**
 * Runs `deleteBatch` (one short transaction deleting at most PRUNE_BATCH rows, resolving to how many it deleted)
 * until a batch comes back short, with the event loop free in between; resolves to the total. A large backlog is
 * then never one long delete holding the write lock (or its row locks) and this process for its whole length.
 */
export const pruneInBatches = async (deleteBatch: () => Promise<number>): Promise<number> => {
  let deleted = 0;
  for (;;) {
    const n = await deleteBatch();
    deleted += n;
    if (n < PRUNE_BATCH) return deleted;
    await yieldToEventLoop();
  }
};

/** The `id` column of rows a statement returned, as numbers in ascending order (what extend and replay resolve to). */
export const sortedIds = (rows: readonly Record<string, unknown>[]): number[] =>
  rows.map((r) => Number(r.id)).sort((a, b) => a - b);

/**
 * Wraps `flush(items) → results` (same order) so that calls made together share one flush. A failed flush rejects
 * every call of its batch with the same error.
 */
export const groupCommit = <In, Out>(
  flush: (items: In[]) => Promise<Out[]> | Out[],
): ((item: In) => Promise<Out>) => {
  let queue: { item: In; resolve: (out: Out) => void; reject: (e: unknown) => void }[] = [];
  let running = false;
  const run = async () => {
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        const out = await flush(batch.map((b) => b.item));
        for (const [i, b] of batch.entries()) b.resolve(out[i] as Out);
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    running = false;
  };
  return (item) =>
    new Promise<Out>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (running) return;
      running = true;
      later(() => void run());
    });
};

/** One enqueue call, as a SQL store's flush receives it. */
export interface EnqueueCall {
  rows: readonly NewOutboxRow[];
  now: number;
}

/** One finish call, as a SQL store's flush receives it. */
export interface FinishCall {
  results: readonly AttemptRecord[];
  now: number;
}

/**
 * A SQL store's `enqueue` and `finish`: each call joins the next group commit (its flush writes every call of the
 * group in one transaction, results in call order); an enqueue that inserted a row wakes the watchers.
 */
export const groupedWrites = (
  flushEnqueue: (calls: EnqueueCall[]) => Promise<EnqueueResult[][]>,
  flushFinish: (calls: FinishCall[]) => Promise<boolean[][]>,
  notify: () => void,
): Pick<OutboxStore, 'enqueue' | 'finish'> => {
  const enqueueBatch = groupCommit(flushEnqueue);
  const finishBatch = groupCommit(flushFinish);
  return {
    async enqueue(rows, now) {
      if (!rows.length) return [];
      const out = await enqueueBatch({ rows, now });
      if (out.some((r) => r.inserted)) notify();
      return out;
    },
    finish(results, now) {
      if (!results.length) return Promise.resolve([]);
      return finishBatch({ results, now });
    },
  };
};

/** A list of in-process listeners: the wake-up a store gives workers when rows are enqueued or replayed. */
export const createWatchers = () => {
  const listeners = new Set<() => void>();
  return {
    watch(listener: () => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    notify(): void {
      for (const listener of listeners) {
        try {
          listener();
        } catch {
          // A listener's failure is its own; the write it follows is committed.
        }
      }
    },
  };
};
