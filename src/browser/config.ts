import { isReservedName } from '../core/click';
import { DEFAULT_COOKIE, DEFAULT_DAYS, DEFAULT_ID_PARAMS, isValidDays } from '../core/defaults';
import { attempt } from './attempt';
import { log, setLogging } from './log';
import type { Options } from './options';

/** The configuration clicktrail runs on: every option checked once, here. */
export interface Config {
  idParams: string[];
  keep: string[];
  cookie: string;
  days: number;
  domain: string | false;
  attribution: 'first' | 'last';
  /** The hosts whose links get client_reference_id: buy.stripe.com and the custom ones; empty with `stripe: false`. */
  stripe: string[];
  placeholder: string | false;
  linkDomains: string[];
  consent: boolean;
  clean: boolean;
  debug: boolean;
}

// An option's kind reads a value (its documented type, or the text of its data-* attribute, which is what
// script-tag users write) and returns the value clicktrail runs on, or undefined when it is not of that kind.

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** An array of non-empty strings, or text with commas and/or spaces between the entries (`"click_id, affS1"`). */
const list = (value: unknown): string[] | undefined => {
  const entries = typeof value === 'string' ? value.match(/[^\s,]+/g) || [] : value;
  if (Array.isArray(entries) && entries.every(isText)) return entries;
};
/** A list with at least one entry. */
const names = (value: unknown): string[] | undefined => {
  const entries = list(value);
  if (entries?.length) return entries;
};
/** On with `true`, `"true"` or a bare attribute; anything else is off. */
const on = (value: unknown): boolean => value === true || value === 'true' || value === '';
/** Non-empty text, or `false` (`"false"`) for off. */
const textOrOff = (value: unknown): string | false | undefined =>
  value === false || value === 'false' ? false : isText(value) ? value : undefined;

/** Every option: its kind, then its default. */
const OPTIONS: Record<
  Exclude<keyof Options, 'params'>,
  [kind: (value: unknown) => unknown, fallback: unknown]
> = {
  idParams: [names, DEFAULT_ID_PARAMS],
  keep: [list, []],
  cookie: [(value) => (isText(value) ? value : undefined), DEFAULT_COOKIE],
  days: [(value) => (isValidDays(+(value as number)) ? +(value as number) : undefined), DEFAULT_DAYS],
  domain: [textOrOff, 'auto'],
  attribution: [(value) => (value === 'first' || value === 'last' ? value : undefined), 'last'],
  // Off with `false` (`"false"`); otherwise buy.stripe.com, plus the hosts of `{ hosts }` (the attribute's list).
  stripe: [
    (value) =>
      value === false || value === 'false'
        ? []
        : ['buy.stripe.com', ...(list((value as { hosts?: unknown } | undefined)?.hosts ?? value) || [])],
    ['buy.stripe.com'],
  ],
  placeholder: [textOrOff, '--CLICK-ID--'],
  linkDomains: [list, []],
  // Fails closed: only `true`, `"true"` and `"granted"` store; `"pending"`, `"denied"`, `"no"`, `"0"`, a typo… hold.
  consent: [(value) => (on(value) && value !== '') || value === 'granted', true],
  clean: [on, false],
  debug: [on, false],
};

/**
 * Checks init()'s options, or a script tag's data-* attributes (its `dataset`: `data-id-params` is `idParams`),
 * whatever they hold (`init(null)`, getters that throw), and never throws. An absent option takes its default; a
 * value not of the option's kind takes it too, and debug logs `invalid <option> <value>`. `idParams` falls back to
 * its deprecated name `params`. Turns debug logging on or off first, so those lines can be seen.
 */
export const resolveConfig = (options?: Options | DOMStringMap | null): Config => {
  const read = (name: string): unknown => attempt(() => (options as Record<string, unknown>)[name]);
  setLogging(on(read('debug')));
  const config = {} as Config & Record<string, unknown>;
  for (const [name, [kind, fallback]] of Object.entries(OPTIONS)) {
    const value = read(name) === undefined && name === 'idParams' ? read('params') : read(name);
    let valid = value === undefined ? fallback : kind(value);
    if (valid === undefined) {
      log?.('invalid', name, value);
      valid = fallback;
    }
    config[name] = valid;
  }
  // Capture refuses them anyway (they would overwrite the data cookie's own fields); this says so.
  if (log) for (const name of config.keep.filter(isReservedName)) log('invalid', 'keep', name);
  return config;
};
