import { readPair, splitUrl } from '../../src/core/query';

/**
 * The decoded value of the first `name` parameter in a URL's query, or undefined when absent: how the tests read
 * what a decorated link carries. Test-only (the SDK edits URLs but never needs to read one param back), built on the
 * same splitUrl/readPair the server reads URLs with.
 */
export const getParam = (url: string, name: string): string | undefined => {
  for (const pair of splitUrl(url).pairs) {
    const read = readPair(pair);
    if (read.name === name) return read.value;
  }
  return undefined;
};
