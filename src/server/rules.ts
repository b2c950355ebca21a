import { shown } from './check';
import type { ResolvedConversion } from './conversion';
import { ClickTrailError, MissingParamsError, TemplateError, UnsafeValueError } from './errors';
import { buildPostbackUrl } from './postback-url';
import { type HttpMethod, headersProblem, type PostbackBody } from './request';
import type { SendOptions } from './send';
import { checkSendOptions } from './send-options';
import { fillTemplate, type MissingMode, templateProblem } from './template';
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

const ruleError = (rule: string, message: string) =>
  new ClickTrailError('invalid_rule', `Rule '${rule}': ${message}`);

/** The problem with one rule's fields, or undefined. Messages say what to write instead. */
const ruleProblem = (rule: PostbackRule): string | undefined => {
  if ((rule.url === undefined) === (rule.base === undefined))
    return 'needs exactly one of url (a template) or base (+ params)';
  const where = rule.url !== undefined ? 'url' : 'base';
  const url = rule.url ?? rule.base;
  if (typeof url !== 'string') return `${where} must be a string, got ${shown(url)}`;
  const problem = templateProblem(url);
  if (problem) return `${where} ${shown(url)} ${problem}`;
  if (rule.params !== undefined) {
    if (rule.url !== undefined)
      return 'params go with base, not url (put the placeholders in the url instead)';
    if (
      !rule.params ||
      typeof rule.params !== 'object' ||
      Object.values(rule.params).some((v) => typeof v !== 'string')
    )
      return "params must be an object of param name → value template (strings: '{click_id}', '7')";
  }
  if (rule.method !== undefined && rule.method !== 'GET' && rule.method !== 'POST')
    return `method must be 'GET' or 'POST', got ${shown(rule.method)}`;
  if (rule.body !== undefined && rule.body !== 'form' && rule.body !== 'json')
    return `body must be 'form' or 'json', got ${shown(rule.body)}`;
  if (rule.missing !== undefined && !['empty', 'keep', 'error'].includes(rule.missing))
    return `missing must be 'empty', 'keep' or 'error', got ${shown(rule.missing)}`;
  const headers = headersProblem(rule.headers);
  if (headers) return headers;
  for (const name of ['required', 'offers', 'events', 'statuses'] as const) {
    const list = rule[name];
    if (list !== undefined && !(Array.isArray(list) && list.every((v) => typeof v === 'string')))
      return `${name} must be an array of strings, got ${shown(list)}`;
  }
  const { affiliate } = rule;
  if (
    affiliate !== undefined &&
    typeof affiliate !== 'string' &&
    !(Array.isArray(affiliate) && affiliate.every((v) => typeof v === 'string'))
  )
    return `affiliate must be a string or an array of strings, got ${shown(affiliate)}`;
  if (rule.currency !== undefined && typeof rule.currency !== 'function')
    return `currency must be a function (conversion) => ({ amount, currency, payout? }), got ${shown(rule.currency)}`;
  return undefined;
};

/**
 * Throws ClickTrailError `invalid_rule` unless every rule has a unique, non-empty id, exactly one of url/base, an
 * absolute http(s) URL there (see templateProblem), and fields of the right kind; and `invalid_option` (via
 * checkSendOptions) for a rule's `send` options that cannot work. Run once, by createDispatcher.
 */
export const checkRules = (rules: readonly PostbackRule[]): void => {
  if (!Array.isArray(rules))
    throw new ClickTrailError(
      'invalid_rule',
      `rules must be an array of postback rules, got ${shown(rules)}`,
    );
  const ids = new Set<string>();
  for (const rule of rules) {
    if (!rule || typeof rule !== 'object')
      throw new ClickTrailError('invalid_rule', `Each rule must be an object, got ${shown(rule)}`);
    if (typeof rule.id !== 'string' || !rule.id || ids.has(rule.id))
      throw new ClickTrailError('invalid_rule', `Rule ids must be unique and non-empty: '${rule.id}'`);
    const problem = ruleProblem(rule);
    if (problem) throw ruleError(rule.id, problem);
    checkSendOptions(`rule '${rule.id}' send`, rule.send);
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

/**
 * True for the errors renderRule throws when this rule can never render this conversion (a required value missing,
 * an unknown placeholder with `missing: 'error'`, a value that would move the path): the postback is skipped, not
 * retried.
 */
export const cannotRender = (error: unknown): boolean =>
  error instanceof MissingParamsError || error instanceof TemplateError || error instanceof UnsafeValueError;

/**
 * The rule's final URL for these values, or a typed error (MissingParamsError, TemplateError, UnsafeValueError) when
 * it cannot be.
 */
export const renderRule = (rule: PostbackRule, values: TemplateValues): RenderedRule => {
  if (rule.url !== undefined) {
    const result = fillTemplate(rule.url, values, { missing: rule.missing ?? 'empty' });
    const missing = new Set(result.missing);
    const absent = (rule.required ?? []).filter((k) => missing.has(k) || !valueText(values[k]));
    if (absent.length) throw new MissingParamsError(absent);
    return result;
  }
  const params: Record<string, string | undefined> = {};
  const missing = new Set<string>();
  for (const [name, template] of Object.entries(rule.params ?? {})) {
    // Raw here: buildPostbackUrl encodes each value once.
    const r = fillTemplate(template, values, { missing: 'empty', write: raw });
    for (const m of r.missing) missing.add(m);
    // A value made only of missing placeholders is absent, not empty: skipped, and caught by `required`.
    params[name] = r.missing.length && !r.url ? undefined : r.url;
  }
  return {
    url: buildPostbackUrl(rule.base ?? '', params, { required: rule.required ?? [] }),
    missing: [...missing],
  };
};
