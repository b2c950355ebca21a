/** A debug logger: a no-op unless init({ debug: true }). */
export type Log = (message: string, ...details: unknown[]) => void;

/** The logger for a debug flag; console access is guarded so a missing console never throws. */
export const logger =
  (debug: boolean | undefined): Log =>
  (message, ...details) => {
    if (debug) globalThis.console?.log(`[clicktrail] ${message}`, ...details);
  };
