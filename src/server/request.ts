import { readPair, splitUrl } from '../core/query';

/** HTTP method of a postback. */
export type HttpMethod = 'GET' | 'POST';

/** How a POST postback carries its values: `'form'` (application/x-www-form-urlencoded) or `'json'`. */
export type PostbackBody = 'form' | 'json';

/** One HTTP request to make. */
export interface PostbackRequest {
  url: string;
  /** Default `'GET'`. */
  method?: HttpMethod;
  /** Request body (POST), already encoded. */
  body?: string;
  headers?: Record<string, string>;
}

/** How postbackRequest turns a URL into a request. */
export interface RequestOptions {
  /** Default `'GET'`: the URL as is. `'POST'` moves the query into the body. */
  method?: HttpMethod | undefined;
  /** POST body: `'form'` (default) or `'json'` (the pairs decoded into a flat JSON object of strings). */
  body?: PostbackBody | undefined;
  /** Extra headers; they win over the content-type set for the body. */
  headers?: Record<string, string> | undefined;
}

/** The HTTP request for a rendered postback URL: GET as is; POST with the query moved into the body. */
export const postbackRequest = (url: string, options: RequestOptions = {}): PostbackRequest => {
  const { method = 'GET', body = 'form', headers } = options;
  if (method === 'GET') return { url, method, ...(headers ? { headers } : {}) };
  const { base, pairs } = splitUrl(url);
  if (body === 'json') {
    const json: Record<string, string> = {};
    for (const pair of pairs) {
      const { name, value } = readPair(pair);
      if (name) json[name] = value ?? '';
    }
    return {
      url: base,
      method,
      body: JSON.stringify(json),
      headers: { 'content-type': 'application/json', ...headers },
    };
  }
  return {
    url: base,
    method,
    body: pairs.join('&'),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  };
};

// RFC 9110 token characters: what a header name may be made of.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Why a header set is refused by fetch every time (a bad name, a CR/LF/NUL in a value), or undefined. */
export const headersProblem = (headers: unknown): string | undefined => {
  if (headers === undefined) return undefined;
  if (!headers || typeof headers !== 'object' || Array.isArray(headers))
    return 'headers must be an object of header name → string value';
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name))
      return `the header name ${JSON.stringify(name)} is not a valid HTTP header name`;
    if (typeof value !== 'string') return `the header '${name}' must have a string value`;
    // Checked here rather than left to fetch: a line break in a header is an injection, never a transient failure.
    if (/[\r\n\0]/.test(value))
      return `the header '${name}' contains a line break or NUL character: remove it`;
  }
  return undefined;
};

/**
 * Why fetch would refuse this request every time, or undefined when it can be sent: not an http(s) URL, credentials
 * in the URL (fetch refuses them; send an `authorization` header instead), a method other than GET or POST, a bad
 * header. Such a postback fails at once instead of being retried as if the network were at fault. The reasons never
 * quote the URL (it may hold secrets).
 */
export const requestProblem = (request: PostbackRequest): string | undefined => {
  const { url, method = 'GET' } = request;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the postback URL is not a valid absolute URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return `the postback URL must be http(s), not ${parsed.protocol}`;
  if (parsed.username || parsed.password)
    return "the postback URL carries credentials (user:password@), which fetch refuses: send them in a header (authorization: 'Basic …')";
  if (method !== 'GET' && method !== 'POST')
    return `the method must be GET or POST, got ${JSON.stringify(method)}`;
  return headersProblem(request.headers);
};
