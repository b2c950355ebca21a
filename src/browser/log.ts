/** A debug logger: a no-op unless init({ debug: true }). */
export type Log = (...details: unknown[]) => void;

/** The logger for a debug flag. Every call site runs inside a try, so even a page without console cannot break. */
export const logger =
  (debug: boolean | undefined): Log =>
  (...details) =>
    debug && console.log('[clicktrail]', ...details);
