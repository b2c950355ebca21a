/** A debug logger. Call sites write `log?.(…)`: with logging off it is undefined and its arguments are never computed. */
export type Log = (...details: unknown[]) => void;

const print: Log = (...details) => {
  // A console that throws (a page's own wrapper, a locked-down embed) costs the line, never the click.
  try {
    console.log('[clicktrail]', ...details);
  } catch {}
};

/** The page's debug logger, or undefined while logging is off (set from the `debug` option by resolveConfig). */
export let log: Log | undefined;

/**
 * Turns logging on for `debug: true` (a bare `data-debug`), off otherwise.
 *
 * This is the ESM build's module. The script tag's build (dist/clicktrail.min.js) has log-silent.ts instead, whose
 * `log` is always undefined, so no message ships in it; dist/clicktrail.debug.js has log-debug.ts, on by default.
 * See rollup.config.mjs.
 */
export const setLogging = (debug: boolean | undefined): void => {
  log = debug ? print : undefined;
};
