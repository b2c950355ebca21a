import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver does with one request: answer with a status, reset the connection, or never answer in time. */
export type Behaviour =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | 'reset'
  | 'hang';

/** A postback receiver on 127.0.0.1 that fails on purpose, following `plan(key, attempt)`. */
export interface Receiver {
  url: string;
  /** Requests seen per key (any outcome). */
  attempts: Map<string, number>;
  /** 2xx answers delivered per key: exactly 1 each means no loss and no duplicate. */
  accepted: Map<string, number>;
  /** Distinct sockets seen. */
  sockets: Set<unknown>;
  /** Bodies of POST requests, per key. */
  bodies: Map<string, string>;
  /** Requests being handled right now, and the most there ever were at once. */
  concurrency: { now: number; max: number };
  close(): Promise<void>;
}

export const startReceiver = async (
  plan: (key: string, attempt: number, req: IncomingMessage) => Behaviour,
): Promise<Receiver> => {
  const attempts = new Map<string, number>();
  const accepted = new Map<string, number>();
  const bodies = new Map<string, string>();
  const sockets = new Set<unknown>();
  const concurrency = { now: 0, max: 0 };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    sockets.add(req.socket);
    concurrency.now++;
    concurrency.max = Math.max(concurrency.max, concurrency.now);
    res.once('close', () => concurrency.now--);
    let body = '';
    for await (const chunk of req) body += chunk;
    const url = new URL(req.url ?? '/', 'http://x');
    const key =
      url.searchParams.get('k') ?? new URLSearchParams(body).get('k') ?? JSON.parse(body || '{}').k ?? '';
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    if (body) bodies.set(key, body);
    const b = plan(key, n, req);
    if (b === 'reset') return req.socket.destroy();
    // Hanging: held until the client gives up (its timeout), so the answer always comes "too late".
    if (b === 'hang') return;
    if (b.delayMs) await new Promise((resolve) => setTimeout(resolve, b.delayMs));
    res.writeHead(b.status, { 'content-type': 'text/plain', ...b.headers });
    res.end(b.body ?? 'x'.repeat(2048), () => {
      if (b.status < 300) accepted.set(key, (accepted.get(key) ?? 0) + 1);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    accepted,
    sockets,
    bodies,
    concurrency,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
