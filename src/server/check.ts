import { ClickTrailError } from './errors';

// Configuration checks shared by the constructors: each throws ClickTrailError `invalid_option` whose message names
// the option, what it must be and what it got, so the fix is obvious from the message alone.

/** Longest delay setTimeout honours (2^31 - 1 ms, about 24.8 days); past it Node fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** What a value looks like in a message: strings quoted, functions and objects named by kind. */
export const shown = (value: unknown): string =>
  typeof value === 'string'
    ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
    : typeof value === 'number' || typeof value === 'boolean' || value == null
      ? String(value)
      : typeof value === 'function'
        ? 'a function'
        : Array.isArray(value)
          ? 'an array'
          : typeof value === 'bigint'
            ? `${value}n`
            : `a ${typeof value}`;

/** The typed error for an option that is not what it must be. */
export const invalidOption = (where: string, name: string, expected: string, got: unknown): ClickTrailError =>
  new ClickTrailError('invalid_option', `${where}: ${name} must be ${expected}, got ${shown(got)}`);

/** A duration option: undefined (the default applies) or a whole number of ms within [min, MAX_TIMER_MS]. */
export const checkMs = (where: string, name: string, value: unknown, min = 1): void => {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_TIMER_MS)
    throw invalidOption(where, name, `a whole number of ms from ${min} to ${MAX_TIMER_MS}`, value);
};

/** A size option: undefined or a whole number of bytes from 1. */
export const checkBytes = (where: string, name: string, value: unknown): void => {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw invalidOption(where, name, 'a whole number of bytes from 1', value);
};

/** A count option: undefined or a whole number within [min, max]. */
export const checkCount = (where: string, name: string, value: unknown, min = 0, max = 1_000_000): void => {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalidOption(where, name, `a whole number from ${min} to ${max}`, value);
};

/** A hook option: undefined or a function. */
export const checkFunction = (where: string, name: string, value: unknown): void => {
  if (value !== undefined && typeof value !== 'function')
    throw invalidOption(where, name, 'a function', value);
};

/** An optional list of strings. */
export const checkStrings = (where: string, name: string, value: unknown): void => {
  if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string')))
    throw invalidOption(where, name, 'an array of strings', value);
};

/** One of a fixed set of values (or undefined). */
export const checkOneOf = (
  where: string,
  name: string,
  value: unknown,
  allowed: readonly unknown[],
): void => {
  if (value !== undefined && !allowed.includes(value))
    throw invalidOption(where, name, `one of ${allowed.map(shown).join(', ')}`, value);
};
