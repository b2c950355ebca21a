/** The client_reference_id the browser side hands Stripe for a click id (null when too long). */
export declare function stripeReference(clickId: string): string | null;

/** A paid `checkout.session.completed` event, shaped as Stripe sends it. */
export declare function checkoutCompleted(options: {
  clientReferenceId: string | null;
  amountTotal: number;
  currency: string;
  email: string;
  metadata?: Record<string, string>;
  now?: number;
}): { id: string; type: string; data: { object: Record<string, unknown> & { id: string } } } & Record<
  string,
  unknown
>;

/** The Stripe-Signature header for a raw body, exactly as Stripe computes it. */
export declare function signatureHeader(rawBody: string, secret: string, timestamp?: number): string;
