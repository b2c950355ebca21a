import { resolveConfig } from './config';
import type { ClickTrail, Options } from './options';
import { start } from './start';

export type { ClickData } from '../core/click';
export type { ClickTrail, Options } from './options';

/**
 * Captures the click id from the landing URL, stores it (or holds it in memory until consent), carries it to the
 * page's links and to single-page apps' later addresses, and returns the ClickTrail API. Call it once, in the
 * browser. Never throws: junk options fall back to their defaults, blocked storage and odd pages degrade to memory.
 */
export const init = (options?: Options | null): ClickTrail => start(resolveConfig(options));
