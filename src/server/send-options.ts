import { checkCount, checkFunction, checkMs, invalidOption } from './check';
import type { SendOptions } from './send';

/** Most retries accepted: past it, a retry schedule belongs in a durable queue, not in one awaited call. */
export const MAX_RETRIES = 100;

/**
 * Throws ClickTrailError `invalid_option` for send options that cannot work: `timeoutMs` not a whole number of ms
 * from 1 (0, NaN and negatives would fail every attempt), `retries` not a whole number from 0 to 100 (NaN or
 * Infinity would retry forever), `backoffMs` / `maxDelayMs` not whole numbers of ms from 0 (NaN makes a hot loop),
 * hooks that are not functions. Durations stop at 2^31 - 1 ms, past which timers fire at once.
 */
export const checkSendOptions = (where: string, options: SendOptions | undefined): void => {
  if (options === undefined) return;
  if (!options || typeof options !== 'object' || Array.isArray(options))
    throw invalidOption(where, 'send options', 'an object', options);
  checkMs(where, 'timeoutMs', options.timeoutMs, 1);
  checkCount(where, 'retries', options.retries, 0, MAX_RETRIES);
  checkMs(where, 'backoffMs', options.backoffMs, 0);
  checkMs(where, 'maxDelayMs', options.maxDelayMs, 0);
  checkFunction(where, 'fetch', options.fetch);
  checkFunction(where, 'sleep', options.sleep);
  checkFunction(where, 'random', options.random);
  const { signal } = options;
  if (
    signal !== undefined &&
    (typeof signal?.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')
  )
    throw invalidOption(where, 'signal', 'an AbortSignal', signal);
};
