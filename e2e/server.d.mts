import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** One request the e2e server received. */
export interface RecordedRequest {
  method: string;
  /** The full URL as the browser addressed it: `https://<Host header><path and query>`. */
  url: string;
  /** The Host header without a port. */
  host: string;
  headers: IncomingHttpHeaders;
  body: string;
  time: number;
}

/** A running e2e server. */
export interface ShopServer {
  /** The 127.0.0.1 port it listens on; map every hostname to it with `--host-resolver-rules=MAP * 127.0.0.1:<port>`. */
  port: number;
  /** Every request so far, oldest first (bounded). */
  requests: RecordedRequest[];
  /** The requests sent to one host (all when host is undefined). */
  recorded(host?: string): RecordedRequest[];
  /** Forgets the recorded requests. */
  clear(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Hosts that answer with the stand-in checkout page instead of the shop. */
export declare const STANDIN_HOSTS: string[];

/** A self-signed certificate, generated once and cached in e2e/.certs/. */
export declare function certificate(dir?: string): Promise<{ key: string; cert: string }>;

/** Options for startServer; every one is optional. */
export interface ServerOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** The site served at `/` (default examples/shop). */
  shop?: string;
  /** What `/dist/` serves (default dist). */
  dist?: string;
  /** Hosts answered with the stand-in checkout page (default STANDIN_HOSTS). */
  standins?: string[];
  /** Log each request to stdout. */
  log?: boolean;
  /** Answers a request before the static site does; return true when it wrote the response. */
  handle?: (request: RecordedRequest, response: ServerResponse) => boolean;
}

/** The Chromium `--host-resolver-rules` value that sends every hostname but localhost to the server on `port`. */
export declare function resolverRule(port: number): string;

/** Starts the HTTPS server on 127.0.0.1 (port 0 = a free one). */
export declare function startServer(options?: ServerOptions): Promise<ShopServer>;
