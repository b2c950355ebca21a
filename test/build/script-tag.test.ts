// The two script-tag builds as shipped (npm test builds dist/ before it runs the unit tests).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const built = (file: string): string => {
  const path = new URL(`../../dist/${file}`, import.meta.url);
  if (!existsSync(path)) throw new Error(`dist/${file} is missing: run npx rollup -c (npm test does)`);
  return readFileSync(path, 'utf8');
};
const MESSAGES = [
  '[clicktrail]',
  'captured',
  'refused',
  'kept first',
  'stored',
  'blocked',
  'expired',
  'invalid',
];

describe('dist/clicktrail.min.js and dist/clicktrail.debug.js', () => {
  for (const file of ['clicktrail.min.js', 'clicktrail.debug.js']) {
    it(`${file} starts with Chromium's compile hint, then the licence banner`, () => {
      const [hint, banner] = built(file).split('\n');
      expect(hint).toBe('//# allFunctionsCalledOnLoad');
      expect(banner).toMatch(/^\/\*! clicktrail \d+\.\d+\.\d+ \| MIT \*\/$/);
    });
  }

  it('the script tag ships no log message; the debug build ships them all', () => {
    const normal = built('clicktrail.min.js');
    const debug = built('clicktrail.debug.js');
    expect(MESSAGES.filter((m) => normal.includes(`"${m}`))).toEqual([]);
    expect(MESSAGES.filter((m) => !debug.includes(`"${m}`))).toEqual([]);
  });
});
