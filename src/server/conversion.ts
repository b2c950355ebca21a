import type { TemplateValue } from './template';

/** A completed (or pending) purchase or lead, attributed to a click. */
export interface Conversion {
  /** The affiliate click id. */
  clickId: string;
  /** The order / Stripe session id; each postback rule fires once per transactionId. */
  transactionId: string;
  /** Amount in major units (19.99, not 1999). */
  amount: number;
  /** ISO 4217 code, e.g. `'USD'`. */
  currency: string;
  /** `'sale'`, `'lead'`, or any name. Default: `'lead'` when amount is 0, else `'sale'`. */
  event?: 'sale' | 'lead' | (string & {});
  /** E.g. `'approved'`, `'pending'`, `'declined'`. Default `'approved'`. */
  status?: string;
  email?: string;
  offerId?: string;
  affiliateId?: string;
  /** The affiliate's commission, when known. Templates' `{payout}` falls back to amount. */
  payout?: number;
  /** Epoch seconds. Default: when dispatched. */
  timestamp?: number;
  /** Kept entry params (`affS1`, `sub1`, …), from the `<cookie>_data` cookie or the Stripe metadata. */
  params?: Record<string, string>;
}

/** A Conversion with every default applied. */
export type ResolvedConversion = Conversion & Required<Pick<Conversion, 'event' | 'status' | 'timestamp'>>;

/** Applies the defaults: event from the amount, status `'approved'`, timestamp now. */
export const resolveConversion = (c: Conversion, now = Date.now()): ResolvedConversion => ({
  ...c,
  event: c.event || (c.amount > 0 ? 'sale' : 'lead'),
  status: c.status || 'approved',
  timestamp: c.timestamp ?? Math.floor(now / 1000),
});

/**
 * The names templates can use: snake_case and camelCase spellings of every field, plus the kept params.
 * The conversion's own fields win over kept params of the same name (those came from a URL anyone can edit);
 * a field the conversion lacks does not hide a kept param.
 */
export const conversionValues = (c: ResolvedConversion): Record<string, TemplateValue> => {
  const payout = c.payout ?? c.amount;
  const own: Record<string, TemplateValue> = {
    click_id: c.clickId,
    clickid: c.clickId,
    clickId: c.clickId,
    transaction_id: c.transactionId,
    transactionId: c.transactionId,
    order_id: c.transactionId,
    amount: c.amount,
    payout,
    currency: c.currency,
    event: c.event,
    status: c.status,
    timestamp: c.timestamp,
    email: c.email,
    offer_id: c.offerId,
    offerId: c.offerId,
    affiliate_id: c.affiliateId,
    affiliateId: c.affiliateId,
  };
  // A field the conversion does not have (no offer id, say) leaves a kept param of that name visible.
  for (const k in own) if (own[k] === undefined) delete own[k];
  return { ...c.params, ...own };
};
