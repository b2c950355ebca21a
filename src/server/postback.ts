import { decode } from '../core/encode';
import { type Conversion, conversionValues, type ResolvedConversion, resolveConversion } from './conversion';
import { type DedupeStore, memoryDedupe } from './dedupe';
import { ClickTrailError, MissingParamsError, PostbackError, TemplateError } from './errors';
import { outboxDispatch } from './outbox/dispatch';
import type { OutboxStore } from './outbox/row';
import { redactUrl } from './redact';
import {
  type HttpMethod,
  type PostbackRequest,
  type PostbackResult,
  type SendOptions,
  sendPostback,
} from './send';
import {
  encodeValue,
  type MissingMode,
  substitute,
  type TemplateValue,
  type TemplateValues,
  valueText,
} from './template';

/** Options of buildPostbackUrl. */
export interface BuildOptions {
  /** Keys that must have a non-empty value; MissingParamsError names every one that has not. */
  required?: readonly string[];
}

const splitUrl = (url: string): { head: string; query: string; hash: string } => {
  const h = url.indexOf('#');
  const hash = h < 0 ? '' : url.slice(h);
  const rest = h < 0 ? url : url.slice(0, h);
  const q = rest.indexOf('?');
  return { head: q < 0 ? rest : rest.slice(0, q), query: q < 0 ? '' : rest.slice(q + 1), hash };
};

const nameOf = (pair: string): string | undefined => decode(pair.split('=')[0] as string);

/**
 * base + `?k=v&…` with every value RFC 3986-encoded once. The base's own query stays as written, except a pair the
 * params name again (then the params' value replaces it in place); null/undefined values are skipped.
 */
export const buildPostbackUrl = (
  base: string,
  params: Readonly<Record<string, TemplateValue>>,
  options: BuildOptions = {},
): string => {
  const missing = (options.required ?? []).filter((k) => !valueText(params[k]));
  if (missing.length) throw new MissingParamsError(missing);
  const { head, query, hash } = splitUrl(base);
  const pairs = query ? query.split('&') : [];
  const names = pairs.map(nameOf);
  for (const name in params) {
    const text = valueText(params[name]);
    if (text === undefined || !Object.hasOwn(params, name)) continue;
    const pair = `${encodeValue(name)}=${encodeValue(text)}`;
    const i = names.indexOf(name);
    if (i < 0) pairs.push(pair);
    else pairs[i] = pair;
  }
  return head + (pairs.length ? `?${pairs.join('&')}` : '') + hash;
};

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
  body?: 'form' | 'json';
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

const among = (list: string | readonly string[] | undefined, value: string | undefined): boolean =>
  list === undefined ||
  (value !== undefined && (typeof list === 'string' ? list === value : list.includes(value)));

/** True when the rule's filters (affiliate, offers, events, statuses) all accept the conversion. */
export const matchesRule = (rule: PostbackRule, c: ResolvedConversion): boolean =>
  among(rule.affiliate, c.affiliateId) &&
  among(rule.offers, c.offerId) &&
  among(rule.events, c.event) &&
  among(rule.statuses, c.status);

/** The rule's final URL for these values, or a typed error when a required value is missing. */
export const renderRule = (
  rule: PostbackRule,
  values: TemplateValues,
): { url: string; missing: string[] } => {
  if (rule.url !== undefined) {
    const result = substitute(rule.url, values, { missing: rule.missing ?? 'empty' });
    const absent = (rule.required ?? []).filter((k) => result.missing.includes(k) || !valueText(values[k]));
    if (absent.length) throw new MissingParamsError(absent);
    return result;
  }
  const params: Record<string, string | undefined> = {};
  const missing: string[] = [];
  for (const [name, template] of Object.entries(rule.params ?? {})) {
    const r = substitute(template, values, { missing: 'empty' }, false);
    for (const m of r.missing) if (!missing.includes(m)) missing.push(m);
    // A value made only of missing placeholders is absent, not empty: skipped, and caught by `required`.
    params[name] = r.missing.length && !r.url ? undefined : r.url;
  }
  return { url: buildPostbackUrl(rule.base ?? '', params, { required: rule.required ?? [] }), missing };
};

/** The HTTP request for a rendered postback URL: GET as is; POST with the query moved into the body. */
export const toRequest = (
  url: string,
  rule: Pick<PostbackRule, 'method' | 'body' | 'headers'>,
): PostbackRequest => {
  const method = rule.method ?? 'GET';
  if (method === 'GET') return { url, method, ...(rule.headers ? { headers: rule.headers } : {}) };
  const { head, query } = splitUrl(url);
  if (rule.body === 'json') {
    const json: Record<string, string> = {};
    for (const pair of query ? query.split('&') : []) {
      const eq = pair.indexOf('=');
      const name = decode(eq < 0 ? pair : pair.slice(0, eq));
      if (name) json[name] = decode(eq < 0 ? '' : pair.slice(eq + 1)) ?? '';
    }
    return {
      url: head,
      method,
      body: JSON.stringify(json),
      headers: { 'content-type': 'application/json', ...rule.headers },
    };
  }
  return {
    url: head,
    method,
    body: query,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...rule.headers },
  };
};

/** Options of createDispatcher. */
export interface DispatcherOptions {
  rules: readonly PostbackRule[];
  /**
   * A durable outbox (sqliteOutbox, postgresOutbox): dispatch then only commits one row per matching rule and
   * resolves; a worker (createWorker) sends them. `dedupe`, `send`, `sendOptions` and `throwOnFailure` are then unused.
   */
  outbox?: OutboxStore;
  /** Where "already sent" is remembered. Default: memoryDedupe() (one process). */
  dedupe?: DedupeStore;
  /** Delivery. Default sendPostback. */
  send?: (request: PostbackRequest, options?: SendOptions) => Promise<PostbackResult>;
  /** Options for send, under each rule's own `send`. */
  sendOptions?: SendOptions;
  /** Receives every log entry (sent, failed, duplicate, skipped). */
  log?: (entry: PostbackResult) => void;
  /** Throw PostbackError after all rules ran when any failed (e.g. so a webhook answers 500 and is redelivered). */
  throwOnFailure?: boolean;
}

/** Sends a conversion's postbacks (or, with an outbox, queues them); resolves to one log entry per matching rule. */
export type Dispatch = ((conversion: Conversion) => Promise<PostbackResult[]>) & {
  /** The outbox, when the dispatcher has one. */
  readonly outbox?: OutboxStore;
};

const elapsed = (since: number): number => Math.round((performance.now() - since) * 100) / 100;

/**
 * Creates dispatch(conversion): every matching rule fires once per transactionId however often (or concurrently)
 * the conversion is dispatched; a failed send gives its claim back, so dispatching again retries only what failed.
 */
export const createDispatcher = (options: DispatcherOptions): Dispatch => {
  const { rules, dedupe = memoryDedupe(), send = sendPostback, sendOptions, log, throwOnFailure } = options;
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
  if (options.outbox) return outboxDispatch(rules, options.outbox, log ? { log } : {});

  const fire = async (rule: PostbackRule, c: ResolvedConversion): Promise<PostbackResult> => {
    const started = performance.now();
    const method = rule.method ?? 'GET';
    const entry = { rule: rule.id, template: redactUrl(rule.url ?? (rule.base as string)), method };
    const key = `postback:${encodeValue(c.transactionId)}:${encodeValue(rule.id)}`;
    const stop = (outcome: 'duplicate' | 'skipped' | 'failed', error?: string, url = ''): PostbackResult => ({
      ...entry,
      url,
      outcome,
      ok: false,
      attempts: 0,
      durationMs: elapsed(started),
      ...(error ? { error } : {}),
    });
    if (!(await dedupe.claim(key))) return stop('duplicate');
    let rendered: { url: string; missing: string[] };
    try {
      const converted = rule.currency ? { ...c, ...(await rule.currency(c)) } : c;
      rendered = renderRule(rule, conversionValues(converted));
    } catch (e) {
      await dedupe.release(key);
      const renderError = e instanceof MissingParamsError || e instanceof TemplateError;
      return stop(renderError ? 'skipped' : 'failed', e instanceof Error ? e.message : String(e));
    }
    const url = redactUrl(rendered.url);
    let result: PostbackResult;
    try {
      result = await send(toRequest(rendered.url, rule), { ...sendOptions, ...rule.send });
    } catch (e) {
      result = stop('failed', e instanceof Error ? e.message : String(e), url);
    }
    await (result.ok ? dedupe.done?.(key) : dedupe.release(key));
    return {
      ...result,
      ...entry,
      url,
      durationMs: elapsed(started),
      ...(rendered.missing.length ? { missing: rendered.missing } : {}),
    };
  };

  return async (conversion) => {
    const absent = (['clickId', 'transactionId'] as const).filter((k) => !conversion[k]);
    if (absent.length) throw new MissingParamsError(absent, 'conversion');
    const c = resolveConversion(conversion);
    const results = await Promise.all(rules.filter((r) => matchesRule(r, c)).map((r) => fire(r, c)));
    for (const entry of results) {
      try {
        log?.(entry);
      } catch {
        // A broken logger must not turn delivered postbacks into a failed dispatch.
      }
    }
    const failed = results.filter((r) => r.outcome === 'failed');
    if (throwOnFailure && failed.length) throw new PostbackError(failed);
    return results;
  };
};
