import { describe, expect, it } from 'vitest';
import { DEFAULT_SEND_OPTIONS, postbackRequest, templatePlaceholders } from '../../src/server/index';
import { retryDelay } from '../../src/server/send';

describe('postbackRequest', () => {
  it('leaves a GET as it is, with the given headers', () => {
    expect(postbackRequest('https://t.example/pb?a=1#x')).toEqual({
      url: 'https://t.example/pb?a=1#x',
      method: 'GET',
    });
    expect(postbackRequest('https://t.example/pb', { headers: { 'x-api-key': 'k' } })).toEqual({
      url: 'https://t.example/pb',
      method: 'GET',
      headers: { 'x-api-key': 'k' },
    });
  });

  it('moves the query of a POST into a form body exactly as written', () => {
    expect(postbackRequest('https://t.example/pb?a=1&b=x%20y&&c#frag', { method: 'POST' })).toEqual({
      url: 'https://t.example/pb',
      method: 'POST',
      body: 'a=1&b=x%20y&&c',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  });

  it('decodes the pairs into a flat JSON body for body: json, the rule’s headers winning', () => {
    expect(
      postbackRequest('https://t.example/pb?a=1&b=x%20y&c&d=%ZZ', {
        method: 'POST',
        body: 'json',
        headers: { 'content-type': 'application/vnd.t+json' },
      }),
    ).toEqual({
      url: 'https://t.example/pb',
      method: 'POST',
      body: JSON.stringify({ a: '1', b: 'x y', c: '', d: '' }),
      headers: { 'content-type': 'application/vnd.t+json' },
    });
  });
});

describe('templatePlaceholders', () => {
  it('names each placeholder once, in order, in every dialect', () => {
    expect(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${b} is a postback placeholder.
      templatePlaceholders('https://t.example/pb?a={a}&b=${b}&c=#c#&d=%7Bd%7D&again={a}&k[x]=1&e=[e]'),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(templatePlaceholders('https://{host}.example/pb')).toEqual([]);
  });
});

describe('retryDelay', () => {
  const options = { backoffMs: 500, maxDelayMs: 60_000, random: () => 1 };

  it('doubles from backoffMs with jitter between half and the whole, capped by maxDelayMs', () => {
    expect([1, 2, 3].map((n) => retryDelay(n, undefined, options))).toEqual([500, 1000, 2000]);
    expect(retryDelay(2, undefined, { ...options, random: () => 0 })).toBe(500);
    expect(retryDelay(20, undefined, options)).toBe(60_000);
  });

  it('honours Retry-After, within the cap', () => {
    expect(retryDelay(1, 3000, options)).toBe(3000);
    expect(retryDelay(1, 3_600_000, options)).toBe(60_000);
  });

  it('uses the documented defaults', () => {
    expect(DEFAULT_SEND_OPTIONS).toEqual({
      timeoutMs: 10_000,
      retries: 3,
      backoffMs: 500,
      maxDelayMs: 60_000,
    });
  });
});
