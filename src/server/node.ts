// Node adapters for the Fetch-style API: node:http, Express, Fastify's raw req/res. Typed structurally, so this file
// needs neither @types/node nor an import of node:http, and works with any (req, res) that looks like Node's.
import { concatBytes } from './bytes';
import { checkBytes, checkMs } from './check';
import { type CookieOptions, checkCookieOptions, clickIdCookie } from './cookie';
import { type BodyLimits, DEFAULT_BODY_LIMITS } from './read-body';
import { stripeWebhookHandler, type WebhookOptions } from './webhook';

/** The parts of an http.IncomingMessage (or Express request) the adapters use. */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string;
  url?: string;
  /** Express keeps the path the app was mounted on here. */
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  /** A TLSSocket (`encrypted: true`) means https. */
  socket?: unknown;
  /** Set by body parsers: a Buffer from express.raw(), an object from express.json() (too late for Stripe). */
  body?: unknown;
  /** Set by some platforms (Firebase, Google Cloud Functions) to the unparsed body. */
  rawBody?: unknown;
  readableEnded?: boolean;
}

/** The parts of an http.ServerResponse the adapters use. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string | string[]): unknown;
  getHeader?(name: string): unknown;
  end(body?: Uint8Array | string): unknown;
}

/** How the request's URL is read behind a proxy. */
export interface ProxyOptions {
  /**
   * Trust the `X-Forwarded-Proto` and `X-Forwarded-Host` headers (their first value) for the request's scheme and
   * host: set it behind a TLS-terminating proxy or load balancer (nginx, Heroku, Render, Fly, an AWS ALB) so https
   * pages get `Secure` cookies. Only when the proxy sets those headers itself: otherwise any client can. Default false.
   */
  trustProxy?: boolean;
}

/** Options of toNodeHandler. */
export interface NodeHandlerOptions extends ProxyOptions {
  /** Larger bodies get 413 (a declared Content-Length is refused before reading). Default 1 MiB (1,048,576). */
  maxBodyBytes?: number;
  /** The body must arrive within this many ms, else 408. Default 10,000. */
  bodyTimeoutMs?: number;
}

const bytes = (v: unknown): Uint8Array | undefined =>
  v instanceof Uint8Array ? v : typeof v === 'string' ? new TextEncoder().encode(v) : undefined;

const send = (res: NodeResponseLike, status: number, body: Record<string, unknown>) => {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};

type BodyRead = Uint8Array | 'too_large' | 'timeout' | 'parsed';

const readBody = async (req: NodeRequestLike, limits: BodyLimits): Promise<BodyRead> => {
  const given = bytes(req.rawBody) ?? bytes(req.body);
  if (given) return given.length > limits.maxBytes ? 'too_large' : given;
  // A body parser ran first and kept only its parse: the exact bytes are gone.
  if (req.body !== undefined && req.readableEnded !== false) return 'parsed';
  if (Number(header(req.headers['content-length'])) > limits.maxBytes) return 'too_large';
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limits.timeoutMs);
  });
  // Not for await: leaving that loop destroys the request, and with it the socket the 413 / 408 must go out on.
  const stream = req[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([stream.next(), deadline]);
      if (next === 'timeout') return 'timeout';
      if (next.done) return concatBytes(chunks);
      const b = typeof next.value === 'string' ? new TextEncoder().encode(next.value) : next.value;
      size += b.length;
      if (size > limits.maxBytes) return 'too_large';
      chunks.push(b);
    }
  } finally {
    clearTimeout(timer);
  }
};

const header = (v: string | string[] | undefined): string | undefined =>
  Array.isArray(v) ? v.join(', ') : v;

// A host[:port] and nothing else (a name, an IPv4 or a bracketed IPv6 address): a header that is anything more is
// ignored rather than pasted into the URL.
const HOST = /^(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The first value of a proxy header (`https, http` → `https`), trimmed. */
const firstValue = (v: string | string[] | undefined): string | undefined => header(v)?.split(',')[0]?.trim();

/**
 * The full URL of a Node request (`http(s)://host/path?query`): the scheme from the socket and the host from the
 * Host header, or, with `trustProxy`, from `X-Forwarded-Proto` / `X-Forwarded-Host` when they hold a valid value.
 */
export const requestUrl = (req: NodeRequestLike, options: ProxyOptions = {}): string => {
  let proto = (req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http';
  let host = header(req.headers.host);
  if (options.trustProxy) {
    const forwarded = firstValue(req.headers['x-forwarded-proto'])?.toLowerCase();
    if (forwarded === 'https' || forwarded === 'http') proto = forwarded;
    const forwardedHost = firstValue(req.headers['x-forwarded-host']);
    if (forwardedHost && HOST.test(forwardedHost)) host = forwardedHost;
  }
  return `${proto}://${host && HOST.test(host) ? host : 'localhost'}${req.originalUrl ?? req.url ?? '/'}`;
};

/**
 * Adapts a Fetch handler (`(Request) => Promise<Response>`) to Node's `(req, res)`, reading the raw body itself
 * (or taking it from express.raw() / rawBody); a body already parsed as JSON is refused with 400 `raw_body`.
 */
export const toNodeHandler = (
  handler: (request: Request) => Promise<Response>,
  options: NodeHandlerOptions = {},
): ((req: NodeRequestLike, res: NodeResponseLike) => Promise<void>) => {
  checkBytes('toNodeHandler', 'maxBodyBytes', options.maxBodyBytes);
  checkMs('toNodeHandler', 'bodyTimeoutMs', options.bodyTimeoutMs);
  const limits = {
    maxBytes: options.maxBodyBytes ?? DEFAULT_BODY_LIMITS.maxBytes,
    timeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_LIMITS.timeoutMs,
  };
  return async (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    let body: Uint8Array | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      // A client that hangs up mid-body makes the stream throw: nobody is left to answer, but nothing may reject.
      const read = await readBody(req, limits).catch(() => 'aborted' as const);
      if (read === 'aborted') return send(res, 400, { error: 'body_aborted' });
      // The rest of the body is not wanted: close the connection once the answer is out rather than drain it.
      if (read === 'too_large' || read === 'timeout') res.setHeader('connection', 'close');
      if (read === 'too_large') return send(res, 413, { error: 'too_large' });
      if (read === 'timeout') return send(res, 408, { error: 'body_timeout' });
      if (read === 'parsed')
        return send(res, 400, {
          error: 'raw_body',
          message:
            'The request body was parsed (express.json()?) before this handler: Stripe signatures need the raw body. ' +
            'Mount this route before express.json(), or use express.raw({ type: "application/json" }) on it.',
        });
      body = read;
    }
    let response: Response;
    try {
      response = await handler(
        new Request(requestUrl(req, options), { method, headers, body: body as BodyInit | undefined }),
      );
    } catch {
      // A rejected handler must answer, not become an unhandled rejection that takes a Node process down.
      return send(res, 500, { error: 'internal' });
    }
    res.statusCode = response.status;
    for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
    const cookies = response.headers.getSetCookie();
    if (cookies.length) res.setHeader('set-cookie', cookies);
    res.end(new Uint8Array(await response.arrayBuffer()));
  };
};

/** stripeWebhookHandler as a Node / Express `(req, res)` handler that reads the raw body itself. */
export const nodeWebhookHandler = (options: WebhookOptions & NodeHandlerOptions) =>
  toNodeHandler(stripeWebhookHandler(options), options);

/** Adds Set-Cookie values to a Node response, keeping any already set. */
export const appendSetCookie = (res: NodeResponseLike, cookies: readonly string[]): void => {
  if (!cookies.length) return;
  const prev = res.getHeader?.('set-cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  res.setHeader('set-cookie', [...list, ...cookies]);
};

/**
 * Express/Connect middleware (also a plain node:http step when called without next): on a landing request carrying
 * a click id, sets the long-lived first-party cookies clickIdCookie describes. Behind a TLS-terminating proxy, pass
 * `trustProxy: true` so https landings get `Secure` cookies. Invalid options throw ClickTrailError `invalid_option`
 * here, when the middleware is created.
 */
export const clickIdMiddleware = (
  options: Omit<CookieOptions, 'cookieHeader'> & ProxyOptions = {},
): ((req: NodeRequestLike, res: NodeResponseLike, next?: (error?: unknown) => void) => void) => {
  // Bad options fail here, when the app starts, not silently on every landing.
  checkCookieOptions('clickIdMiddleware', options);
  const { trustProxy, ...cookieOptions } = options;
  return (req, res, next) => {
    try {
      appendSetCookie(
        res,
        clickIdCookie(requestUrl(req, { trustProxy }), {
          ...cookieOptions,
          cookieHeader: header(req.headers.cookie),
        }),
      );
    } catch {
      // Capture is best effort: a landing page must render even if it fails.
    }
    next?.();
  };
};
