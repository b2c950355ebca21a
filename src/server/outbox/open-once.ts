// A durable store's connection: opened (and migrated) once, on first use, shared by every call made meanwhile; an
// open that fails is tried again by the next call; after close(), every call is refused.
import { OutboxError } from './errors';

/** The error every call to a closed store rejects with. */
export const closedError = (): OutboxError =>
  new OutboxError('outbox_closed', 'This outbox was closed; create a new one.');

/**
 * Wraps `open` so it runs once: `ready()` resolves to what it opened (or rejects with OutboxError `outbox_closed`
 * after close), `close()` marks it closed and resolves to what was opened, if anything, for the caller to release.
 */
export const openOnce = <T>(open: () => Promise<T>) => {
  let opening: Promise<T> | undefined;
  let closed = false;
  return {
    ready(): Promise<T> {
      if (closed) return Promise.reject(closedError());
      opening ??= open().catch((e) => {
        opening = undefined;
        throw e;
      });
      return opening;
    },
    /** Resolves to the opened connection the first time (undefined if none opened); later calls to undefined. */
    async close(): Promise<T | undefined> {
      if (closed) return undefined;
      closed = true;
      return opening?.catch(() => undefined);
    },
  };
};
