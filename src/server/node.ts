// Node adapters for the Fetch-style API: node:http, Express, Fastify's raw req/res. Typed structurally, so this file
// needs neither @types/node nor an import of node:http, and works with any (req, res) that looks like Node's.
import { concatBytes } from './bytes';
import { type CookieOptions, clickIdCookie } from './cookie';
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

/** Options of toNodeHandler. */
export interface NodeHandlerOptions {
  /** Larger bodies get 413. Default 1 MiB (Stripe events are far smaller). */
  maxBodyBytes?: number;
}

const bytes = (v: unknown): Uint8Array | undefined =>
  v instanceof Uint8Array ? v : typeof v === 'string' ? new TextEncoder().encode(v) : undefined;

const send = (res: NodeResponseLike, status: number, body: Record<string, unknown>) => {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};

const readBody = async (req: NodeRequestLike, max: number): Promise<Uint8Array | 'too_large' | 'parsed'> => {
  const given = bytes(req.rawBody) ?? bytes(req.body);
  if (given) return given;
  // A body parser ran first and kept only its parse: the exact bytes are gone.
  if (req.body !== undefined && req.readableEnded !== false) return 'parsed';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    size += b.length;
    if (size > max) return 'too_large';
    chunks.push(b);
  }
  return concatBytes(chunks);
};

const header = (v: string | string[] | undefined): string | undefined =>
  Array.isArray(v) ? v.join(', ') : v;

/** The full URL of a Node request (`http(s)://host/path?query`), from the Host header. */
export const requestUrl = (req: NodeRequestLike): string => {
  const proto = (req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http';
  return `${proto}://${header(req.headers.host) ?? 'localhost'}${req.originalUrl ?? req.url ?? '/'}`;
};

/**
 * Adapts a Fetch handler (`(Request) => Promise<Response>`) to Node's `(req, res)`, reading the raw body itself
 * (or taking it from express.raw() / rawBody); a body already parsed as JSON is refused with 400 `raw_body`.
 */
export const toNodeHandler =
  (handler: (request: Request) => Promise<Response>, options: NodeHandlerOptions = {}) =>
  async (req: NodeRequestLike, res: NodeResponseLike): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    let body: Uint8Array | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      // A client that hangs up mid-body makes the stream throw: nobody is left to answer, but nothing may reject.
      const read = await readBody(req, options.maxBodyBytes ?? 1 << 20).catch(() => 'aborted' as const);
      if (read === 'aborted') return send(res, 400, { error: 'body_aborted' });
      if (read === 'too_large') return send(res, 413, { error: 'too_large' });
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
        new Request(requestUrl(req), { method, headers, body: body as BodyInit | undefined }),
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
 * a click id, sets the long-lived first-party cookies clickIdCookie describes.
 */
export const clickIdMiddleware =
  (options: Omit<CookieOptions, 'cookieHeader'> = {}) =>
  (req: NodeRequestLike, res: NodeResponseLike, next?: (error?: unknown) => void): void => {
    try {
      appendSetCookie(
        res,
        clickIdCookie(requestUrl(req), { ...options, cookieHeader: header(req.headers.cookie) }),
      );
    } catch {
      // Capture is best effort: a landing page must render even if it fails.
    }
    next?.();
  };
