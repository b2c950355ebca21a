// What dispatch writes to the outbox for a conversion: one row per matching rule. The rule's secrets (its URL's
// token, its headers) are not in the row: it holds the conversion and the rule id, and the worker renders the real
// request from the configured rule at delivery. The row keeps the redacted URL, for the log.
import type { ResolvedConversion } from '../conversion';
import { redactUrl } from '../redact';
import { cannotRender, matchesRule, type PostbackRule, renderRule } from '../rules';
import { conversionValues } from '../values';
import type { NewOutboxRow } from './row';

// PostgreSQL refuses U+0000 in text and JSON, and no tracker wants one: it would fail the commit, and Stripe's
// redeliveries with it, for good. Every string of the conversion gets U+FFFD instead, on every store alike.
const NUL = /\u0000/g;
const clean = <T>(value: T): T => {
  if (typeof value === 'string') return value.replace(NUL, '\uFFFD') as T;
  if (!value || typeof value !== 'object') return value;
  // fromEntries defines own properties: a kept param named `__proto__` stays a param.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), clean(v)])) as T;
};

/**
 * The outbox rows for a conversion (defaults applied): one per rule whose filters accept it. A rule's currency hook
 * runs here, before the commit, so the row holds the amounts the postback sends (and a failing hook fails the
 * dispatch, which Stripe then redelivers). A rule that cannot render the postback (a required value missing) gives
 * a `skipped` row, so the log says why nothing was sent.
 */
export const outboxRows = async (
  conversion: ResolvedConversion,
  rules: readonly PostbackRule[],
): Promise<NewOutboxRow[]> =>
  Promise.all(
    rules
      .filter((rule) => matchesRule(rule, conversion))
      .map(async (rule): Promise<NewOutboxRow> => {
        const c: ResolvedConversion = clean(
          rule.currency ? { ...conversion, ...(await rule.currency(conversion)) } : conversion,
        );
        const base = {
          rule: rule.id,
          clickId: c.clickId,
          transactionId: c.transactionId,
          event: c.event,
          conversionStatus: c.status,
          amount: c.amount,
          currency: c.currency,
          template: redactUrl(rule.url ?? rule.base ?? ''),
          method: rule.method ?? 'GET',
          conversion: c,
        };
        try {
          const rendered = renderRule(rule, conversionValues(c));
          return {
            ...base,
            url: redactUrl(rendered.url),
            status: 'pending',
            ...(rendered.missing.length ? { missing: rendered.missing } : {}),
          };
        } catch (e) {
          if (!cannotRender(e)) throw e;
          return { ...base, url: '', status: 'skipped', error: (e as Error).message };
        }
      }),
  );
