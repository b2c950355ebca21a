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
  kept?: Record<string, string>;
  /** @deprecated Renamed `kept` (used when `kept` is absent). */
  params?: Record<string, string>;
}

/** A Conversion with every default applied. */
export type ResolvedConversion = Omit<Conversion, 'params'> &
  Required<Pick<Conversion, 'event' | 'status' | 'timestamp' | 'kept'>>;

/** Applies the defaults: event from the amount, status `'approved'`, timestamp now, `kept` (or the old `params`). */
export const resolveConversion = (c: Conversion, now = Date.now()): ResolvedConversion => {
  const { params, ...rest } = c;
  return {
    ...rest,
    event: c.event || (c.amount > 0 ? 'sale' : 'lead'),
    status: c.status || 'approved',
    timestamp: c.timestamp ?? Math.floor(now / 1000),
    kept: c.kept ?? params ?? {},
  };
};
