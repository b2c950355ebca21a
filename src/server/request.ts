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
