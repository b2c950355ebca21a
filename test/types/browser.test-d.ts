// Type tests for the public browser API (`import … from 'clicktrail'` and the script tag's globals), checked by
// vitest's typecheck project (tsc): a wrong type here fails `npm test` like a failing assertion.
import { describe, expectTypeOf, it } from 'vitest';
import type {} from '../../src/browser/global';
import { type ClickData, type ClickTrail, init, type Options } from '../../src/browser/index';

describe('init()', () => {
  it('takes Options (or nothing, or null) and returns a ClickTrail', () => {
    expectTypeOf(init).parameter(0).toEqualTypeOf<Options | null | undefined>();
    expectTypeOf(init).returns.toEqualTypeOf<ClickTrail>();
    expectTypeOf(init()).toEqualTypeOf<ClickTrail>();
  });

  it('documents every option with its type', () => {
    expectTypeOf<Options>().toEqualTypeOf<{
      idParams?: string[];
      params?: string[];
      keep?: string[];
      cookie?: string;
      days?: number;
      domain?: 'auto' | string | false;
      attribution?: 'first' | 'last';
      stripe?: boolean | { hosts?: string[] };
      placeholder?: string | false;
      linkDomains?: string[];
      consent?: boolean;
      clean?: boolean;
      debug?: boolean;
    }>();
  });

  it('refuses what the options cannot be', () => {
    // @ts-expect-error attribution is 'first' or 'last'
    init({ attribution: 'middle' });
    // @ts-expect-error idParams is a list
    init({ idParams: 'click_id' });
    // @ts-expect-error stripe hosts are a list
    init({ stripe: { hosts: 'pay.example.com' } });
    // @ts-expect-error unknown option
    init({ clickIdParam: 'x' });
  });
});

describe('ClickTrail', () => {
  it('has the documented methods, kept() and its deprecated alias params()', () => {
    const ct = init();
    expectTypeOf(ct.clickId).returns.toEqualTypeOf<string | undefined>();
    expectTypeOf(ct.kept).returns.toEqualTypeOf<Record<string, string>>();
    expectTypeOf(ct.params).toEqualTypeOf(ct.kept);
    expectTypeOf(ct.decorate).toEqualTypeOf<(url: string) => string>();
    expectTypeOf(ct.grantConsent).toEqualTypeOf<() => void>();
    expectTypeOf(ct.clear).toEqualTypeOf<() => void>();
    expectTypeOf(ct.stop).toEqualTypeOf<() => void>();
  });
});

describe('ClickData', () => {
  it('is the click both sides store', () => {
    expectTypeOf<ClickData>().toEqualTypeOf<{
      id: string;
      src: string;
      exp: number;
      kept: Record<string, string>;
    }>();
  });
});

describe('the script tag globals (clicktrail/global)', () => {
  it('types window.clicktrail as the ClickTrail the tag sets, absent until it has run', () => {
    expectTypeOf(window.clicktrail).toEqualTypeOf<ClickTrail | undefined>();
  });

  it('types the clicktrail:ready event, whose detail is the ClickTrail', () => {
    expectTypeOf<WindowEventMap['clicktrail:ready']>().toEqualTypeOf<CustomEvent<ClickTrail>>();
    addEventListener('clicktrail:ready', (event) => {
      expectTypeOf(event.detail).toEqualTypeOf<ClickTrail>();
      expectTypeOf(event.detail.clickId()).toEqualTypeOf<string | undefined>();
    });
  });
});
