import type { Log } from './log';

/**
 * log.ts for the script tag's build (dist/clicktrail.min.js, see rollup.config.mjs): no logger, whatever `debug`
 * says. Rollup drops every `log?.(…)` on a value it knows is undefined, with its arguments and its message, which
 * keeps the messages out of every page. Debugging is dist/clicktrail.debug.js: the same script with log.ts.
 */
export const log: Log | undefined = undefined;

/** Nothing to turn on. */
export const setLogging = (_debug: boolean | undefined): void => {};
