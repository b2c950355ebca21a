// Group commit: the durable stores write every call that arrives while a commit is being made (or in the same turn
// of the event loop) in the next single transaction. Each caller still resolves only after its own rows are
// committed, but N concurrent webhooks cost one fsync instead of N: that is what makes thousands per second possible.

const later: (fn: () => void) => void =
  (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate ?? ((fn) => setTimeout(fn, 0));

/** Resolves after I/O waiting in the event loop has had its turn (between the batches of a long job). */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => later(resolve));

/** Rows prune deletes per transaction. */
export const PRUNE_BATCH = 1000;

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
