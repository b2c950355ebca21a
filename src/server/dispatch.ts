import { checkFunction, checkMs, invalidOption } from './check';
import { type Conversion, type ResolvedConversion, resolveConversion } from './conversion';
import { type DedupeStore, memoryDedupe } from './dedupe';
import { MissingParamsError, PostbackError } from './errors';
import { outboxDispatch } from './outbox/dispatch';
import type { OutboxStore } from './outbox/row';
import { redactUrl } from './redact';
import { postbackRequest } from './request';
import {
  cannotRender,
  checkRules,
  matchesRule,
  type PostbackRule,
  type RenderedRule,
  renderRule,
} from './rules';
import { type PostbackRequest, type PostbackResult, type SendOptions, sendPostback } from './send';
import { checkSendOptions } from './send-options';
import { encodeValue } from './template';
import { callSafely, withTimeLimit } from './time-limit';
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
  /** Delivery. Default sendPostback. A custom send should stop when `options.signal` aborts. */
  send?: (request: PostbackRequest, options?: SendOptions) => Promise<PostbackResult>;
  /** Options for send, under each rule's own `send`. */
  sendOptions?: SendOptions;
  /** Receives every log entry (sent, failed, duplicate, skipped). May be async; what it throws or rejects is ignored. */
  log?: (entry: PostbackResult) => void;
  /**
   * Throw PostbackError after all rules ran when any failed, so the webhook answers 500 and Stripe redelivers the
   * event (dispatching it again sends only what failed). Default true: a postback that fails through every retry
   * is never acknowledged to Stripe, so it cannot be lost silently. False suits callers that read the results.
   */
  throwOnFailure?: boolean;
  /**
   * Longest wait, in ms, for each dedupe store call (claim, release, done) and each currency hook. Past it the
   * postback fails (a late claim is given back) and the next dispatch tries it again. Default 10,000.
   */
  hookTimeoutMs?: number;
  /**
   * Longest one postback's delivery may take, retries included, in ms. At the limit the send's `signal` aborts
   * (sendPostback stops at once) and the postback fails with its claim given back. Default 300,000: more than the
   * default send options can take (4 attempts of 10 s and 3 waits of at most 60 s).
   */
  sendTimeoutMs?: number;
}

/** createDispatcher's default time limits. */
export const DEFAULT_DISPATCH_LIMITS = Object.freeze({ hookTimeoutMs: 10_000, sendTimeoutMs: 300_000 });

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

/** Throws ClickTrailError `invalid_option` / `invalid_rule` for a configuration no dispatch could work with. */
const checkOptions = (options: DispatcherOptions): void => {
  const where = 'createDispatcher';
  if (!options || typeof options !== 'object') throw invalidOption(where, 'options', 'an object', options);
  checkRules(options.rules);
  const { dedupe } = options;
  if (dedupe !== undefined && (typeof dedupe?.claim !== 'function' || typeof dedupe.release !== 'function'))
    throw invalidOption(where, 'dedupe', 'a DedupeStore ({ claim, release, done? })', dedupe);
  checkFunction(where, 'send', options.send);
  checkFunction(where, 'log', options.log);
  checkSendOptions(`${where} sendOptions`, options.sendOptions);
  checkMs(where, 'hookTimeoutMs', options.hookTimeoutMs);
  checkMs(where, 'sendTimeoutMs', options.sendTimeoutMs);
  // fetch refuses URLs with credentials: with the default send, such a rule could never deliver.
  if (options.send === undefined)
    for (const rule of options.rules) {
      const url = URL.canParse(rule.url ?? rule.base ?? '')
        ? new URL(rule.url ?? rule.base ?? '')
        : undefined;
      if (url?.username || url?.password)
        throw invalidOption(
          where,
          `rule '${rule.id}' url`,
          "free of credentials (user:password@), which fetch refuses: send them in a header (headers: { authorization: 'Basic …' })",
          redactUrl(rule.url ?? rule.base ?? ''),
        );
    }
};

/**
 * Creates dispatch(conversion): every matching rule fires once per transactionId however often (or concurrently)
 * the conversion is dispatched; a failed send gives its claim back, so dispatching again retries only what failed.
 * Whatever a hook does (a dedupe store, currency hook or send that throws or hangs, a logger that rejects), each
 * rule ends in a log entry and every entry is logged: one rule's failure never hides another's delivery. A
 * configuration that cannot work throws ClickTrailError (`invalid_rule`, `invalid_option`) here, at creation.
 */
export const createDispatcher = (options: DispatcherOptions): Dispatch => {
  checkOptions(options);
  const {
    rules,
    dedupe = memoryDedupe(),
    send = sendPostback,
    sendOptions,
    log,
    throwOnFailure = true,
    hookTimeoutMs = DEFAULT_DISPATCH_LIMITS.hookTimeoutMs,
    sendTimeoutMs = DEFAULT_DISPATCH_LIMITS.sendTimeoutMs,
  } = options;
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
    const hook = <T>(run: () => T | PromiseLike<T>, what: string, onLate?: (value: T) => void) =>
      withTimeLimit(run, hookTimeoutMs, what, 'hookTimeoutMs', onLate);
    const forget = (): void => {
      new Promise<void>((resolve) => resolve(dedupe.release(key))).catch(() => undefined);
    };
    // Gives the claim back; says what went wrong when the store could not take it.
    const giveBack = async (): Promise<string> => {
      try {
        await hook(() => dedupe.release(key), "the dedupe store's release()");
        return '';
      } catch (e) {
        return `; and giving the claim back failed: ${message(e)} (it stays claimed until the store lets it go)`;
      }
    };

    let claimed: boolean;
    try {
      // A claim that is granted after the limit is given back: nobody will send it this time.
      claimed = await hook(
        () => dedupe.claim(key),
        "the dedupe store's claim()",
        (late) => late && forget(),
      );
    } catch (e) {
      return stop('failed', message(e));
    }
    if (!claimed) return stop('duplicate');

    let rendered: RenderedRule;
    try {
      const currency = rule.currency;
      const converted = currency
        ? { ...c, ...(await hook(() => currency(c), `rule '${rule.id}' currency hook`)) }
        : c;
      rendered = renderRule(rule, conversionValues(converted));
    } catch (e) {
      return stop(cannotRender(e) ? 'skipped' : 'failed', message(e) + (await giveBack()));
    }

    const url = redactUrl(rendered.url);
    const abort = new AbortController();
    let result: PostbackResult;
    try {
      const request = postbackRequest(rendered.url, rule);
      result = await withTimeLimit(
        () => send(request, { ...sendOptions, ...rule.send, signal: abort.signal }),
        sendTimeoutMs,
        'the delivery',
        'sendTimeoutMs',
      );
    } catch (e) {
      // Stops a delivery still in flight (sendPostback honours the signal), so it cannot land after the release.
      abort.abort(e);
      result = stop('failed', message(e), url);
    }

    let error = result.error;
    if (result.ok) {
      try {
        await hook(() => dedupe.done?.(key), "the dedupe store's done()");
      } catch (e) {
        error = `delivered, but recording it failed: ${message(e)} (a later dispatch may send it again)`;
      }
    } else error = (error ?? 'failed') + (await giveBack());
    return {
      ...result,
      ...entry,
      url,
      durationMs: elapsed(started),
      ...(error === undefined ? {} : { error }),
      ...(rendered.missing.length ? { missing: rendered.missing } : {}),
    };
  };

  return async (conversion) => {
    const absent = (['clickId', 'transactionId'] as const).filter((k) => !conversion?.[k]);
    if (absent.length) throw new MissingParamsError(absent, 'conversion');
    const c = resolveConversion(conversion);
    // fire never rejects: every rule's outcome, delivered or not, reaches the log below.
    const results = await Promise.all(rules.filter((r) => matchesRule(r, c)).map((r) => fire(r, c)));
    for (const entry of results) callSafely(log, entry);
    const failed = results.filter((r) => r.outcome === 'failed');
    if (throwOnFailure && failed.length) throw new PostbackError(failed);
    return results;
  };
};
