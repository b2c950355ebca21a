import type { ResolvedConversion } from './conversion';

/** A value a placeholder can stand for; null, undefined and non-finite numbers count as missing. */
export type TemplateValue = string | number | boolean | null | undefined;

/** Placeholder name → value. */
export type TemplateValues = Readonly<Record<string, TemplateValue>>;

/** A value as text, or undefined when it counts as missing. */
export const valueText = (value: TemplateValue): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
};

/**
 * The names a postback can use for a conversion: snake_case and camelCase spellings of every field, plus the kept
 * params. The conversion's own fields win over kept params of the same name (those came from a URL anyone can edit);
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
  return { ...c.kept, ...own };
};
