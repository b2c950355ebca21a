import { TimeLimitError } from './errors';

/**
 * Runs a hook (a user's function: a dedupe store call, a currency hook, a delivery) and settles with its result, or
 * rejects with TimeLimitError once `ms` have passed. A hook that throws synchronously rejects too. The hook itself
 * cannot be stopped: `onLate` receives its result if it arrives after the limit (so a late claim can be given back).
 */
export const withTimeLimit = <T>(
  hook: () => T | PromiseLike<T>,
  ms: number,
  what: string,
  option: string,
  onLate?: (value: T) => void,
): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new TimeLimitError(what, ms, option));
    }, ms);
    new Promise<T>((run) => run(hook())).then(
      (value) => {
        clearTimeout(timer);
        if (late) onLate?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!late) reject(error);
      },
    );
  });

/** Calls a reporting hook (a logger, onError) so that neither a throw nor a rejected promise escapes. */
export const callSafely = <A extends unknown[]>(
  hook: ((...args: A) => unknown) | undefined,
  ...args: A
): void => {
  try {
    const result = hook?.(...args);
    // An async logger that rejects must not become an unhandled rejection: Node exits on those.
    if (result && typeof (result as PromiseLike<unknown>).then === 'function')
      (result as PromiseLike<unknown>).then(undefined, () => undefined);
  } catch {
    // A broken logger must not change the answer nor the outcome it reports.
  }
};
