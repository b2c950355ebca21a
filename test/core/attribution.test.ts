import { describe, expect, it } from 'vitest';
import { attribute } from '../../src/core/attribution';
import type { ClickData } from '../../src/core/click';

const stored: ClickData = { id: 'old', src: 'click_id', exp: 100, kept: { affid: '1', campaign: 'a' } };

describe('attribute', () => {
  it('stores nothing new when nothing was captured', () => {
    expect(attribute(stored, undefined, 'last', 200)).toBeUndefined();
    expect(attribute(undefined, undefined, 'first', 200)).toBeUndefined();
  });

  it('last click: a new click replaces the stored one and brings only its own kept params', () => {
    expect(attribute(stored, { id: 'new', src: 'affS1', kept: { sub1: 'x' } }, 'last', 200)).toEqual({
      id: 'new',
      src: 'affS1',
      exp: 200,
      kept: { sub1: 'x' },
    });
    // 'last' is the default.
    expect(attribute(stored, { id: 'new', src: 'affS1', kept: {} }, undefined, 200)?.id).toBe('new');
  });

  it('the same click again keeps the params it knew, the new values win, and the expiry is renewed', () => {
    expect(
      attribute(stored, { id: 'old', src: 'click_id', kept: { campaign: 'b', sub1: 'x' } }, 'last', 200),
    ).toEqual({ id: 'old', src: 'click_id', exp: 200, kept: { affid: '1', campaign: 'b', sub1: 'x' } });
  });

  it('first click: a live stored click stands; without one the captured click is stored', () => {
    expect(attribute(stored, { id: 'new', src: 'click_id', kept: {} }, 'first', 200)).toBeUndefined();
    expect(attribute(undefined, { id: 'new', src: 'click_id', kept: {} }, 'first', 200)).toEqual({
      id: 'new',
      src: 'click_id',
      exp: 200,
      kept: {},
    });
  });
});
