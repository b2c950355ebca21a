import { log, setLogging as setLoggingWhen } from './log';

export { log };

/**
 * log.ts for dist/clicktrail.debug.js (see rollup.config.mjs): loading the debug build is the switch, so logging is
 * on unless `debug: false` (`data-debug="false"`).
 */
export const setLogging = (debug: boolean | undefined): void => setLoggingWhen(debug !== false);
