import { describe, expect, it, vi } from 'vitest';
import { captureClick as capture } from '../../src/core/capture';

const quiet = () => {};

describe('captureClick', () => {
  it('takes the first listed param that is present and remembers its name', () => {
    expect(capture('?affS1=b&click_id=a', ['click_id', 'affS1'], [], quiet)).toEqual({
      id: 'a',
      src: 'click_id',
      kept: {},
    });
    expect(capture('?sub1=c&affS1=b', ['click_id', 'affS1', 'sub1'], [], quiet)?.src).toBe('affS1');
  });

  it('captures nothing without a click id, even when kept params are present', () => {
    expect(capture('?affid=101', ['click_id'], ['affid'], quiet)).toBeUndefined();
    expect(capture('', ['click_id'], [], quiet)).toBeUndefined();
  });

  it('keeps the listed entry params beside the id, decoded', () => {
    expect(
      capture(
        '?click_id=x1&affid=101&utm_campaign=spring+sale&other=1',
        ['click_id'],
        ['affid', 'utm_campaign', 'gone'],
        quiet,
      )?.kept,
    ).toEqual({ affid: '101', utm_campaign: 'spring sale' });
  });

  it('refuses empty, too long, whitespace and control-character ids and falls through to the next param', () => {
    const log = vi.fn();
    for (const bad of ['', '%20a', 'a%20b', 'a%0Ab', 'a%00', 'x'.repeat(257), 'a%E2%80%A8b']) {
      const got = capture(`?click_id=${bad}&affS1=good`, ['click_id', 'affS1'], [], log);
      expect(got).toEqual({ id: 'good', src: 'affS1', kept: {} });
    }
    expect(capture('?click_id', ['click_id'], [], quiet)).toBeUndefined();
    expect(log).toHaveBeenCalledWith('click_id', 'a b');
  });

  it('accepts an id of exactly 256 characters', () => {
    expect(capture(`?click_id=${'x'.repeat(256)}`, ['click_id'], [], quiet)?.id).toHaveLength(256);
  });

  it('reads malformed percent-encoding leniently, as browsers do, and never throws', () => {
    // A broken UTF-8 escape decodes to U+FFFD, which is refused; a stray % is only a character.
    expect(capture('?click_id=%E0%A4%A', ['click_id'], [], quiet)).toBeUndefined();
    expect(capture('?click_id=a%FFb&affS1=ok', ['click_id', 'affS1'], [], quiet)?.id).toBe('ok');
    expect(capture('?click_id=ok&affid=%E0&k=%ZZ', ['click_id'], ['affid', 'k'], quiet)?.kept).toEqual({
      k: '%ZZ',
    });
  });

  it('lets kept values hold inner spaces but not control characters', () => {
    expect(capture('?click_id=a&k=a%20b&c=a%07', ['click_id'], ['k', 'c'], quiet)?.kept).toEqual({
      k: 'a b',
    });
  });

  it('never keeps a reserved ct_ name, whatever keep says', () => {
    expect(
      capture('?click_id=a&ct_exp=9999999999&ct_src=x&ok=1', ['click_id'], ['ct_exp', 'ct_src', 'ok'])?.kept,
    ).toEqual({ ok: '1' });
  });

  it('keeps params in the order keep lists them', () => {
    expect(Object.keys(capture('?click_id=a&b=2&a=1', ['click_id'], ['a', 'b'])?.kept ?? {})).toEqual([
      'a',
      'b',
    ]);
  });
});
