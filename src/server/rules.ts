import type { ResolvedConversion } from './conversion';
import { ClickTrailError, MissingParamsError } from './errors';
import { buildPostbackUrl } from './postback-url';
import type { HttpMethod, PostbackBody } from './request';
import type { SendOptions } from './send';
import { fillTemplate, type MissingMode } from './template';
import { type TemplateValues, valueText } from './values';

/** What a currency hook returns: the amount (and payout) in the currency the affiliate network expects. */
export interface CurrencyResult {
  amount: number;
  currency: string;
  payout?: number;
}

/** One postback destination: where, how, and for which conversions. */
export interface PostbackRule {
  /** Unique; with the transactionId it makes the idempotency key. */
  id: string;
  /** A template: `https://t.example/pb?cid={click_id}&sum={amount}`. Either url or base. */
  url?: string;
  /** A base URL for `params`. */
  base?: string;
  /** Postback param → value template (`{ click_id: '{click_id}', campaign_id: '7' }`), with base. */
  params?: Readonly<Record<string, string>>;
  /** Must be non-empty or the postback is skipped: param names (base+params) or placeholder names (url). */
  required?: readonly string[];
  /** Default `'GET'`. POST sends the URL's query as the body. */
  method?: HttpMethod;
  /** POST body: `'form'` (application/x-www-form-urlencoded, default) or `'json'`. */
  body?: PostbackBody;
  headers?: Record<string, string>;
  /** Only conversions of these affiliates. */
  affiliate?: string | readonly string[];
  /** Only these offers. */
  offers?: readonly string[];
  /** Only these events (`'sale'`, `'lead'`, …). */
  events?: readonly string[];
  /** Only these statuses. */
  statuses?: readonly string[];
  /** Custom currency: converts amount/payout before rendering (may be async, e.g. a rates lookup). */
  currency?: (conversion: ResolvedConversion) => CurrencyResult | Promise<CurrencyResult>;
  /** Unknown placeholders in url: `'empty'` (default, reported in the log), `'keep'`, `'error'` (skip). */
  missing?: MissingMode;
  /** Per-rule delivery options, over the dispatcher's. */
  send?: SendOptions;
}

/** Throws ClickTrailError `invalid_rule` unless every rule has a unique, non-empty id and exactly one of url/base. */
export const checkRules = (rules: readonly PostbackRule[]): void => {
  const ids = new Set<string>();
  for (const rule of rules) {
    if (!rule.id || ids.has(rule.id))
      throw new ClickTrailError('invalid_rule', `Rule ids must be unique and non-empty: '${rule.id}'`);
    if ((rule.url === undefined) === (rule.base === undefined))
      throw new ClickTrailError(
        'invalid_rule',
        `Rule '${rule.id}' needs exactly one of url (a template) or base (+ params)`,
      );
    ids.add(rule.id);
  }
};

const among = (list: string | readonly string[] | undefined, value: string | undefined): boolean =>
  list === undefined ||
  (value !== undefined && (typeof list === 'string' ? list === value : list.includes(value)));

/** True when the rule's filters (affiliate, offers, events, statuses) all accept the conversion. */
export const matchesRule = (rule: PostbackRule, c: ResolvedConversion): boolean =>
  among(rule.affiliate, c.affiliateId) &&
  among(rule.offers, c.offerId) &&
  among(rule.events, c.event) &&
  among(rule.statuses, c.status);

/** A rule rendered for one conversion: the final URL and the placeholders that had no value. */
export interface RenderedRule {
  url: string;
  missing: string[];
}

const raw = (value: string): string => value;

/** The rule's final URL for these values, or a typed error (MissingParamsError, TemplateError) when it cannot be. */
export const renderRule = (rule: PostbackRule, values: TemplateValues): RenderedRule => {
  if (rule.url !== undefined) {
    const result = fillTemplate(rule.url, values, { missing: rule.missing ?? 'empty' });
    const absent = (rule.required ?? []).filter((k) => result.missing.includes(k) || !valueText(values[k]));
    if (absent.length) throw new MissingParamsError(absent);
    return result;
  }
  const params: Record<string, string | undefined> = {};
  const missing: string[] = [];
  for (const [name, template] of Object.entries(rule.params ?? {})) {
    // Raw here: buildPostbackUrl encodes each value once.
    const r = fillTemplate(template, values, { missing: 'empty', write: raw });
    for (const m of r.missing) if (!missing.includes(m)) missing.push(m);
    // A value made only of missing placeholders is absent, not empty: skipped, and caught by `required`.
    params[name] = r.missing.length && !r.url ? undefined : r.url;
  }
  return { url: buildPostbackUrl(rule.base ?? '', params, { required: rule.required ?? [] }), missing };
};
