// Imported by the README blocks that readme.test.ts runs: checks a statement's value against its `// →` comment.
import { inspect, isDeepStrictEqual } from 'node:util';

// A value written as JS (a quoted string, an object, an array, a number, true/false/null/undefined) is compared
// deeply; anything else (a bare URL, a sentence) is compared with the value as a string.
const LITERAL = /^(['"`{[\d-]|(true|false|null|undefined)\b)/;

/** Throws (naming where: `README.md:123`) unless `actual` (awaited) is what `expected` says. */
export const __expect = async (actual, expected, where) => {
  const got = await actual;
  // The README's own literal, written by us, is evaluated as the expected value (in global scope, never the block's).
  const want = LITERAL.test(expected) ? Function(`return (${expected});`)() : expected;
  const ok = LITERAL.test(expected) ? isDeepStrictEqual(got, want) : String(got) === want;
  if (!ok) throw new Error(`${where}: expected ${expected}\n  got ${inspect(got, { depth: 5 })}`);
};
