import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidClickId } from '../../src/core/click';
import {
  fromStripeReference,
  isStripeSafe,
  STRIPE_PREFIX,
  toStripeReference,
} from '../../src/core/stripe-ref';

// Stripe's documented rule for client_reference_id; anything else is silently dropped.
const STRIPE = /^[A-Za-z0-9_-]{1,200}$/;
const bytes = (s: string): number => new TextEncoder().encode(s).length;
const b64url = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');

describe('toStripeReference', () => {
  it('hands over an id Stripe accepts unchanged', () => {
    for (const id of ['abc', 'A-1_b', '7f3a9c2e-1b4d-4e8f-9a6b-0c1d2e3f4a5b', 'x'.repeat(200)]) {
      expect(toStripeReference(id)).toBe(id);
    }
  });
  it('encodes ids Stripe would drop as ct64_ + base64url of the UTF-8 bytes', () => {
    expect(toStripeReference('a.b')).toBe(`ct64_${b64url('a.b')}`);
    expect(toStripeReference('abc/123=')).toBe(`ct64_${b64url('abc/123=')}`);
    expect(toStripeReference('café 1')).toBe(`ct64_${b64url('café 1')}`);
    expect(toStripeReference('😀')).toBe(`ct64_${b64url('😀')}`);
    expect(toStripeReference('a.b')).not.toContain('=');
  });
  it('encodes a safe id that starts with the prefix, so decoding is never ambiguous', () => {
    const ref = toStripeReference('ct64_abc');
    expect(ref).toBe(`ct64_${b64url('ct64_abc')}`);
    expect(fromStripeReference(ref!)).toBe('ct64_abc');
  });
  it('gives up (undefined) when even the encoding would pass 200 characters', () => {
    expect(toStripeReference('x'.repeat(201))).toBeUndefined();
    expect(toStripeReference('.'.repeat(146))).toHaveLength(200);
    expect(toStripeReference('.'.repeat(147))).toBeUndefined();
    expect(toStripeReference('é'.repeat(73))).toHaveLength(200);
    expect(toStripeReference('é'.repeat(74))).toBeUndefined();
    expect(toStripeReference('😀'.repeat(37))).toBeUndefined();
    expect(toStripeReference('.'.repeat(1_000_000))).toBeUndefined();
  });

  it('always returns something Stripe accepts, or undefined exactly when it cannot fit (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 220 }), (id) => {
        const ref = toStripeReference(id);
        const fits =
          (STRIPE.test(id) && !id.startsWith(STRIPE_PREFIX)) || 5 + Math.ceil((bytes(id) * 4) / 3) <= 200;
        if (!fits) return expect(ref).toBeUndefined();
        expect(ref).toMatch(STRIPE);
        expect(isStripeSafe(ref!)).toBe(true);
      }),
    );
  });
  it('round-trips through fromStripeReference (property)', () => {
    const ids = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,200}$/),
      fc.stringMatching(/^ct64_[A-Za-z0-9_-]{0,40}$/),
    );
    fc.assert(
      fc.property(ids, (id) => {
        const ref = toStripeReference(id);
        fc.pre(ref !== undefined);
        // Valid click ids come back; anything else (CR/LF, control characters) never decodes to itself.
        expect(fromStripeReference(ref!)).toBe(isValidClickId(id) ? id : ref);
        expect(toStripeReference(id)).toBe(ref);
      }),
    );
  });
});

describe('fromStripeReference', () => {
  it('passes a reference without the prefix through', () => {
    expect(fromStripeReference('abc-123')).toBe('abc-123');
    expect(fromStripeReference('')).toBe('');
  });
  it('keeps references it did not produce as they are', () => {
    // Base64 of an id Stripe accepts: toStripeReference would never have encoded it.
    expect(fromStripeReference(`ct64_${b64url('abc')}`)).toBe(`ct64_${b64url('abc')}`);
    // Not base64 at all, or bytes that are not UTF-8.
    expect(fromStripeReference('ct64_@@@')).toBe('ct64_@@@');
    expect(fromStripeReference('ct64_a')).toBe('ct64_a');
    expect(fromStripeReference(`ct64_${Buffer.from([0xff, 0xfe, 0x2e]).toString('base64url')}`)).toMatch(
      /^ct64_/,
    );
  });
  it('never decodes to a value that is not a valid click id (CR/LF, control characters, whitespace)', () => {
    expect(fromStripeReference('ct64_YQ0KYg')).toBe('ct64_YQ0KYg');
    for (const bad of ['a\r\nb', 'a\u0000b', 'a b', ' a', '\u0085x', 'x'.repeat(257)]) {
      const ref = `ct64_${b64url(bad)}`;
      expect(fromStripeReference(ref)).toBe(ref);
    }
  });
  it('decodes what a server sees from Stripe for an id with a dot', () => {
    expect(fromStripeReference(`ct64_${b64url('1234.5678')}`)).toBe('1234.5678');
  });
});
