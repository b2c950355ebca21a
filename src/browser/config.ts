import { isReservedName } from '../core/click';
import { DEFAULT_COOKIE, DEFAULT_DAYS, DEFAULT_ID_PARAMS, MAX_DAYS } from '../core/defaults';
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
type Kind = (value: unknown) => unknown;

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
/** `false`, or `"false"` in an attribute: the option is off. */
const isOff = (value: unknown): value is false | 'false' => value === false || value === 'false';

/** Non-empty text. */
const text = (value: unknown): string | undefined => (isText(value) ? value : undefined);
/** Non-empty text, or `false` (`"false"`) for off. */
const textOrOff = (value: unknown): string | false | undefined => (isOff(value) ? false : text(value));
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
/**
 * A lifetime in days, as a number or its text: above 0, at most MAX_DAYS (NaN and the infinities are neither). The
 * rule core/defaults' isValidDays states for the server, written out: calling it costs the script tag 5 bytes gzip.
 */
const days = (value: unknown): number | undefined => {
  const number = +(value as number);
  if (number > 0 && number <= MAX_DAYS) return number;
};
/**
 * On with `true`, `"true"` or a bare attribute (`data-clean`), off with `false` or `"false"`; anything else
 * (`data-clean="yes"`) is not a flag, so it falls back to off with a debug line instead of being read silently.
 */
const on = (value: unknown): boolean | undefined =>
  value === true || value === 'true' || value === '' ? true : isOff(value) ? false : undefined;

/**
 * Every option: its kind, then its default, which an absent option or a value not of that kind falls back to. The
 * kinds that accept every value (`consent`, `stripe`) need no default: absent is one of the values they read.
 */
const OPTIONS: Record<Exclude<keyof Options, 'params'>, [kind: Kind, fallback?: unknown]> = {
  idParams: [names, DEFAULT_ID_PARAMS],
  keep: [list, []],
  cookie: [text, DEFAULT_COOKIE],
  days: [days, DEFAULT_DAYS],
  domain: [textOrOff, 'auto'],
  attribution: [(value) => (value === 'first' || value === 'last' ? value : undefined), 'last'],
  // Off with `false` (`"false"`); otherwise buy.stripe.com, plus the hosts of `{ hosts }` (the attribute's list).
  stripe: [
    (value) =>
      isOff(value)
        ? []
        : ['buy.stripe.com', ...(list((value as { hosts?: unknown } | undefined)?.hosts ?? value) || [])],
  ],
  placeholder: [textOrOff, '--CLICK-ID--'],
  linkDomains: [list, []],
  // Fails closed: only absent, `true`, `"true"` and `"granted"` store; `"pending"`, `"denied"`, `"no"`, `"0"`, an
  // empty attribute, a typo… hold.
  consent: [(value) => [undefined, true, 'true', 'granted'].includes(value as string)],
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
  // Optional chaining, not the try, handles null and undefined: an exception costs the page a millisecond.
  const read = (name: string): unknown => attempt(() => (options as Record<string, unknown> | null)?.[name]);
  setLogging(on(read('debug')));
  const config = {} as Config & Record<string, unknown>;
  for (const [name, [kind, fallback]] of Object.entries(OPTIONS)) {
    let value = read(name);
    if (value === undefined && name === 'idParams') value = read('params');
    const valid = kind(value);
    if (valid === undefined && value !== undefined) log?.('invalid', name, value);
    config[name] = valid ?? fallback;
  }
  // Capture refuses them anyway (they would overwrite the data cookie's own fields); this says so.
  if (log) for (const name of config.keep.filter(isReservedName)) log('invalid', 'keep', name);
  return config;
};
