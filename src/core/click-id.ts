/** The longest click id or kept value accepted; real ids are UUIDs or a few dozen characters. */
export const MAX_VALUE_LENGTH = 256;

/**
 * True when a value may be kept beside the click id: 1 to 256 characters, no C0/C1 control character or DEL,
 * no U+FFFD (what a malformed percent-escape decodes to), no surrounding whitespace (`spring sale` is fine).
 */
export const isValidValue = (value: unknown): value is string =>
  typeof value === 'string' && /^[^\0-\x1f\x7f-\x9f\ufffd]{1,256}$/.test(value) && value.trim() === value;

/** True when a value may be stored as a click id: a valid value with no whitespace at all (\s covers NBSP, BOM…). */
export const isValidClickId = (value: unknown): value is string => isValidValue(value) && !/\s/.test(value);
