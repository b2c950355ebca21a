import { invalidOption } from './check';
import { redactUrl } from './redact';
import { type HttpMethod, type PostbackRequest, requestProblem } from './request';
import { checkSendOptions } from './send-options';

export type { HttpMethod, PostbackRequest } from './request';

/** How sendPostback delivers. */
export interface SendOptions {
  /** Per attempt, including reading the response, in ms. Default 10,000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** Base of the exponential backoff, in ms (doubled each retry, with jitter). Default 500. */
  backoffMs?: number;
  /** Cap on any wait, Retry-After included, in ms. Default 60,000. */
  maxDelayMs?: number;
  /** fetch to use. Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** How to wait between attempts; a hook for tests and custom schedulers. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
  /**
   * Stops the delivery when aborted: the attempt in flight is cancelled and no retry starts; the result is `failed`
   * with the abort's reason. createDispatcher passes one that aborts after its `sendTimeoutMs`.
   */
  signal?: AbortSignal;
}

/** sendPostback's defaults (also what the CLI's `postback --send` uses). */
export const DEFAULT_SEND_OPTIONS = Object.freeze({
  timeoutMs: 10_000,
  retries: 3,
  backoffMs: 500,
  maxDelayMs: 60_000,
});

/** How a postback ended; `queued`: written to the outbox, where a worker sends it. */
export type PostbackOutcome = 'sent' | 'failed' | 'duplicate' | 'skipped' | 'queued';

/** The log entry of one postback: what the platforms call the postbacks report. Secrets in URLs are redacted. */
export interface PostbackResult {
  /** The outbox row's id (dispatcher with an outbox only). */
  id?: number;
  /** The rule's id (dispatcher only). */
  rule?: string;
  /** The rule's template or base URL (dispatcher only). */
  template?: string;
  /** The final URL, with secret-looking params redacted. */
  url: string;
  method: HttpMethod;
  outcome: PostbackOutcome;
  /** True when the receiver answered 2xx. */
  ok: boolean;
  /** The last HTTP status, when there was one. */
  status?: number;
  /** HTTP attempts made (0 for duplicates and skips). */
  attempts: number;
  durationMs: number;
  /** Why it failed or was skipped. */
  error?: string;
  /** Placeholders that had no value. */
  missing?: string[];
  /**
   * Where the receiver redirected to (a 3xx), resolved and redacted. Redirects are never followed: the postback,
   * its headers and its body do not go anywhere but the URL it was rendered for, and a 3xx is not a delivery.
   */
  location?: string;
}

/** What one HTTP attempt came to. */
export interface AttemptResult {
  /** The receiver answered 2xx. */
  ok: boolean;
  /** The HTTP status, when the receiver answered at all. */
  status?: number;
  /** Why it is not ok (secrets redacted). */
  error?: string;
  /** Worth trying again: network errors, timeouts, 5xx, 408, 429. */
  retryable: boolean;
  /** The receiver's Retry-After, in ms. */
  retryAfterMs?: number;
  /** Where a 3xx pointed, resolved against the request's URL and redacted. */
  location?: string;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After in ms (delta-seconds or an HTTP date), or undefined when absent or unreadable. */
export const parseRetryAfter = (value: string | null, now = Date.now()): number | undefined => {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};

const retryableStatus = (status: number): boolean => status >= 500 || status === 429 || status === 408;

const errorText = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code
    ? `${e.message} (${cause.code})`
    : cause?.message
      ? `${e.message}: ${cause.message}`
      : e.message;
};

/** Why a delivery was stopped, from its signal's reason. */
const abortText = (signal: AbortSignal): string =>
  `stopped: ${signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted')}`;

/** A redirect's Location, resolved against the URL it answered and redacted; undefined when absent. */
const locationOf = (res: Response, url: string): string | undefined => {
  const location = res.headers.get('location');
  if (location === null) return undefined;
  return redactUrl(URL.canParse(location, url) ? new URL(location, url).href : location);
};

/**
 * Makes one HTTP attempt, never throwing: the request with a timeout covering the response body, which is always
 * drained so the connection goes back to the pool. A 2xx counts as delivered even if its body then fails to arrive
 * (retrying it would send the postback twice). Redirects are not followed (`redirect: 'manual'`): a 3xx is a failed
 * attempt that says where it pointed, and is not retried (it would point there again).
 */
export const attemptPostback = async (
  request: PostbackRequest,
  options: { timeoutMs: number; fetch: typeof fetch; signal?: AbortSignal | undefined },
): Promise<AttemptResult> => {
  const method = request.method ?? 'GET';
  // Fails the same way every time (credentials in the URL, a line break in a header, …): not worth a retry.
  const problem = requestProblem(request);
  if (problem !== undefined) return { ok: false, error: problem, retryable: false };
  // One controller for the timeout and the caller's signal, both undone when the attempt ends: cheaper per attempt
  // than AbortSignal.timeout + AbortSignal.any, which measurably slowed dispatch at thousands of postbacks a second.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const external = options.signal;
  const stop = () => controller.abort(external?.reason);
  if (external?.aborted) stop();
  else external?.addEventListener('abort', stop);
  // Called as a plain function: workerd's fetch throws "Illegal invocation" when called as `options.fetch(…)`.
  const { fetch } = options;
  try {
    const res = await fetch(request.url, {
      method,
      headers: request.headers,
      body: method === 'POST' ? request.body : undefined,
      signal: controller.signal,
      // Following would take the click id, the token and the rule's headers to wherever the receiver says.
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true, status: res.status, retryable: false };
    if ((res.status >= 300 && res.status < 400) || res.type === 'opaqueredirect') {
      const location = locationOf(res, request.url);
      return {
        ok: false,
        status: res.status,
        error: `HTTP ${res.status} redirect${location ? ` to ${location}` : ''}: not followed (a redirect is not a delivery); point the rule at the final URL`,
        retryable: false,
        ...(location === undefined ? {} : { location }),
      };
    }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    return {
      ok: false,
      status: res.status,
      error: `HTTP ${res.status}`,
      retryable: retryableStatus(res.status),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  } catch (e) {
    if (external?.aborted) return { ok: false, error: abortText(external), retryable: false };
    if (timedOut) return { ok: false, error: `timeout after ${options.timeoutMs} ms`, retryable: true };
    // fetch quotes the URL in some errors (`Failed to parse URL from …`): the log must not show its secrets.
    const error = errorText(e).split(request.url).join(redactUrl(request.url));
    return { ok: false, error, retryable: true };
  } finally {
    clearTimeout(timer);
    external?.removeEventListener('abort', stop);
  }
};

/** Waits `ms` with the sleep hook, or less when the signal aborts first. */
const pause = (
  ms: number,
  sleep: (ms: number) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const done = () => {
      signal?.removeEventListener('abort', done);
      resolve();
    };
    signal?.addEventListener('abort', done);
    sleep(ms).then(done, (e: unknown) => {
      signal?.removeEventListener('abort', done);
      reject(e);
    });
  });

/** The wait before retry number `retry` (1 for the first): exponential backoff with jitter, or the Retry-After. */
export const retryDelay = (
  retry: number,
  retryAfterMs: number | undefined,
  options: { backoffMs: number; maxDelayMs: number; random: () => number },
): number =>
  Math.min(
    options.maxDelayMs,
    retryAfterMs ?? options.backoffMs * 2 ** (retry - 1) * (0.5 + options.random() / 2),
  );

/**
 * Sends one postback: a timeout per attempt, retries with exponential backoff and jitter on network errors,
 * timeouts, 5xx, 408 and 429 (honouring Retry-After), none on other 4xx, on a redirect, or on a request fetch would
 * refuse every time (not http(s), credentials in the URL, a line break in a header: `failed` at once, 0 attempts).
 * Never throws for a delivery that fails: the result says what happened. Options that cannot work (`retries: NaN`,
 * `timeoutMs: 0`, …) throw ClickTrailError `invalid_option` before anything is sent.
 */
export const sendPostback = async (
  request: PostbackRequest | string,
  options: SendOptions = {},
): Promise<PostbackResult> => {
  checkSendOptions('sendPostback', options);
  const req = typeof request === 'string' ? { url: request } : request;
  if (!req || typeof req !== 'object' || typeof req.url !== 'string')
    throw invalidOption(
      'sendPostback',
      'request',
      'a URL string or { url, method?, body?, headers? }',
      request,
    );
  const {
    timeoutMs = DEFAULT_SEND_OPTIONS.timeoutMs,
    retries = DEFAULT_SEND_OPTIONS.retries,
    backoffMs = DEFAULT_SEND_OPTIONS.backoffMs,
    maxDelayMs = DEFAULT_SEND_OPTIONS.maxDelayMs,
    fetch = globalThis.fetch,
    sleep = defaultSleep,
    random = Math.random,
    signal,
  } = options;
  const started = performance.now();
  const finish = (result: Omit<AttemptResult, 'retryable'>, attempts: number): PostbackResult => ({
    url: redactUrl(req.url),
    method: req.method ?? 'GET',
    outcome: result.ok ? 'sent' : 'failed',
    ok: result.ok,
    ...(result.status === undefined ? {} : { status: result.status }),
    attempts,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    ...(result.error === undefined ? {} : { error: result.error }),
    ...(result.location === undefined ? {} : { location: result.location }),
  });
  const problem = requestProblem(req);
  if (problem !== undefined) return finish({ ok: false, error: problem }, 0);
  if (signal?.aborted) return finish({ ok: false, error: abortText(signal) }, 0);
  for (let attempts = 1; ; attempts++) {
    const result = await attemptPostback(req, { timeoutMs, fetch, signal });
    if (result.ok || !result.retryable || attempts > retries) return finish(result, attempts);
    await pause(retryDelay(attempts, result.retryAfterMs, { backoffMs, maxDelayMs, random }), sleep, signal);
    if (signal?.aborted)
      return finish({ ...result, error: `${result.error}; then ${abortText(signal)}` }, attempts);
  }
};
