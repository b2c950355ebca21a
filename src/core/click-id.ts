/** The longest click id or kept value accepted; real ids are UUIDs or a few dozen characters. */
export const MAX_VALUE_LENGTH = 256;

// C0 and C1 controls, DEL, and every Unicode space (\s covers NBSP, ideographic space, line separators, BOM).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const SPACE = /\s/;

/** True when a value may be stored as a click id: non-empty, at most 256 characters, no control character or whitespace. */
export const isValidClickId = (value: unknown): value is string =>
  typeof value === 'string' && isValidValue(value) && !SPACE.test(value);

/** True when a value may be kept beside the click id: like a click id, but inner spaces are allowed (`utm_campaign=spring sale`). */
export const isValidValue = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length > 0 &&
  value.length <= MAX_VALUE_LENGTH &&
  !CONTROL.test(value) &&
  value.trim() === value;
