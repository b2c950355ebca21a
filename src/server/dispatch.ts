import { type Conversion, type ResolvedConversion, resolveConversion } from './conversion';
import { type DedupeStore, memoryDedupe } from './dedupe';
import { MissingParamsError, PostbackError, TemplateError } from './errors';
import { outboxDispatch } from './outbox/dispatch';
import type { OutboxStore } from './outbox/row';
import { redactUrl } from './redact';
import { postbackRequest } from './request';
import { checkRules, matchesRule, type PostbackRule, type RenderedRule, renderRule } from './rules';
import { type PostbackRequest, type PostbackResult, type SendOptions, sendPostback } from './send';
import { encodeValue } from './template';
import { conversionValues } from './values';

/** Options of createDispatcher. */
export interface DispatcherOptions {
  rules: readonly PostbackRule[];
  /**
   * A durable outbox (sqliteOutbox, postgresOutbox): dispatch then commits one row per matching rule and resolves;
   * a worker (createWorker) sends them. `dedupe`, `send`, `sendOptions` and `throwOnFailure` are then unused.
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
  /**
   * Throw PostbackError after all rules ran when any failed, so the webhook answers 500 and Stripe redelivers the
   * event (dispatching it again sends only what failed). Default true: a postback that fails through every retry
   * is never acknowledged to Stripe, so it cannot be lost silently. False suits callers that read the results.
   */
  throwOnFailure?: boolean;
}

/** Sends a conversion's postbacks (or, with an outbox, queues them); resolves to one log entry per matching rule. */
export type Dispatch = ((conversion: Conversion) => Promise<PostbackResult[]>) & {
  /** The outbox, when the dispatcher has one. */
  readonly outbox?: OutboxStore;
};

const elapsed = (since: number): number => Math.round((performance.now() - since) * 100) / 100;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The idempotency key of one postback: the rule fires once per transaction. */
export const postbackKey = (transactionId: string, ruleId: string): string =>
  `postback:${encodeValue(transactionId)}:${encodeValue(ruleId)}`;

/**
 * Creates dispatch(conversion): every matching rule fires once per transactionId however often (or concurrently)
 * the conversion is dispatched; a failed send gives its claim back, so dispatching again retries only what failed.
 */
export const createDispatcher = (options: DispatcherOptions): Dispatch => {
  const {
    rules,
    dedupe = memoryDedupe(),
    send = sendPostback,
    sendOptions,
    log,
    throwOnFailure = true,
  } = options;
  checkRules(rules);
  if (options.outbox) return outboxDispatch(rules, options.outbox, log ? { log } : {});

  const fire = async (rule: PostbackRule, c: ResolvedConversion): Promise<PostbackResult> => {
    const started = performance.now();
    const method = rule.method ?? 'GET';
    const entry = { rule: rule.id, template: redactUrl(rule.url ?? (rule.base as string)), method };
    const key = postbackKey(c.transactionId, rule.id);
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
    let rendered: RenderedRule;
    try {
      const converted = rule.currency ? { ...c, ...(await rule.currency(c)) } : c;
      rendered = renderRule(rule, conversionValues(converted));
    } catch (e) {
      await dedupe.release(key);
      const renderError = e instanceof MissingParamsError || e instanceof TemplateError;
      return stop(renderError ? 'skipped' : 'failed', message(e));
    }
    const url = redactUrl(rendered.url);
    let result: PostbackResult;
    try {
      result = await send(postbackRequest(rendered.url, rule), { ...sendOptions, ...rule.send });
    } catch (e) {
      result = stop('failed', message(e), url);
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
