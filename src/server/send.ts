import { redactUrl } from './redact';

/** HTTP method of a postback. */
export type HttpMethod = 'GET' | 'POST';

/** One HTTP request to make. */
export interface PostbackRequest {
  url: string;
  /** Default `'GET'`. */
  method?: HttpMethod;
  /** Request body (POST), already encoded. */
  body?: string;
  headers?: Record<string, string>;
}

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
}

/** How a postback ended; `queued`: written to the outbox, the worker sends it. */
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

const retryable = (status: number): boolean => status >= 500 || status === 429 || status === 408;

const errorText = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code
    ? `${e.message} (${cause.code})`
    : cause?.message
      ? `${e.message}: ${cause.message}`
      : e.message;
};

/**
 * Sends one postback: a timeout per attempt, retries with exponential backoff and jitter on network errors,
 * timeouts, 5xx, 408 and 429 (honouring Retry-After), none on other 4xx. Never throws: the result says what happened.
 */
export const sendPostback = async (
  request: PostbackRequest | string,
  options: SendOptions = {},
): Promise<PostbackResult> => {
  const req = typeof request === 'string' ? { url: request } : request;
  const method = req.method ?? 'GET';
  const {
    timeoutMs = 10_000,
    retries = 3,
    backoffMs = 500,
    maxDelayMs = 60_000,
    fetch: fetchImpl = globalThis.fetch,
    sleep = defaultSleep,
    random = Math.random,
  } = options;
  const started = performance.now();
  let attempts = 0;
  let status: number | undefined;
  let error: string | undefined;
  for (;;) {
    attempts++;
    let retryAfter: number | undefined;
    let again = false;
    status = undefined;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await fetchImpl(req.url, {
        method,
        headers: req.headers,
        body: method === 'POST' ? req.body : undefined,
        signal: controller.signal,
      });
      status = res.status;
      // Always drain the body so the connection goes back to the pool; a 2xx already counts as delivered,
      // so a body that then fails to arrive must not trigger a retry (that would send the postback twice).
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) error = undefined;
      else {
        error = `HTTP ${status}`;
        again = retryable(status);
        retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      }
    } catch (e) {
      // fetch quotes the URL in some errors (`Failed to parse URL from …`): the log must not show its secrets.
      error = controller.signal.aborted
        ? `timeout after ${timeoutMs} ms`
        : errorText(e).split(req.url).join(redactUrl(req.url));
      // A URL fetch cannot even parse fails the same way every time: no retry.
      again = URL.canParse(req.url);
    } finally {
      clearTimeout(timer);
    }
    if (!error || !again || attempts > retries) break;
    const backoff = backoffMs * 2 ** (attempts - 1) * (0.5 + random() / 2);
    await sleep(Math.min(maxDelayMs, retryAfter ?? backoff));
  }
  const ok = error === undefined;
  return {
    url: redactUrl(req.url),
    method,
    outcome: ok ? 'sent' : 'failed',
    ok,
    ...(status === undefined ? {} : { status }),
    attempts,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    ...(error === undefined ? {} : { error }),
  };
};
