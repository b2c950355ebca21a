import type { ResolvedConversion } from '../conversion';
import type { HttpMethod } from '../send';

/**
 * Where a postback stands. `pending`: waiting for its next attempt; `delivering`: claimed by a worker (leased);
 * `delivered`: the receiver answered 2xx; `failed`: refused (3xx, 4xx) or out of retries, kept for replay;
 * `skipped`: never sendable as configured (a required value was missing), kept for the log.
 */
export type OutboxStatus = 'pending' | 'delivering' | 'delivered' | 'failed' | 'skipped';

/** Every status, in the order a row moves through them. */
export const OUTBOX_STATUSES: readonly OutboxStatus[] = [
  'pending',
  'delivering',
  'delivered',
  'failed',
  'skipped',
];

/** The error of the `interrupted` attempt logged when a row is taken over from an expired lease. */
export const INTERRUPTED =
  'interrupted: the worker holding the lease stopped before it reported (killed or stalled mid-send); the receiver may have it';

/** What dispatch writes: one row per (conversion, matching rule). The store adds ids, times and counters. */
export interface NewOutboxRow {
  /** The rule's id; the rule itself (URL, method, headers, secrets) stays in your code. */
  rule: string;
  clickId: string;
  transactionId: string;
  /** The conversion's event (`sale`, `lead`, …). */
  event: string;
  /** The conversion's own status (`approved`, …); not the delivery status. */
  conversionStatus: string;
  /** Amount and currency as the postback sends them (after the rule's currency hook). */
  amount: number;
  currency: string;
  /** The rule's template or base URL, secrets redacted. */
  template: string;
  /** The final URL, secrets redacted (the real one is rendered again at delivery, from the rule and `conversion`). */
  url: string;
  method: HttpMethod;
  /** The conversion the postback is rendered from, the currency hook applied. */
  conversion: ResolvedConversion;
  /** `pending`, or `skipped` when the rule cannot render it (with `error`). */
  status: 'pending' | 'skipped';
  /** Why it was skipped. */
  error?: string;
  /** Placeholders that had no value. */
  missing?: string[];
}

/** One row of the outbox: a postback and everything that happened to it. The outbox is the postback log. */
export interface OutboxRow extends Omit<NewOutboxRow, 'status' | 'error'> {
  /** Unique, increasing. */
  id: number;
  status: OutboxStatus;
  /** HTTP attempts made (a worker that died mid-send counts as one). */
  attempts: number;
  /** The last attempt's HTTP status, when there was an answer. */
  lastHttpStatus?: number;
  /** The last attempt's error (`HTTP 503`, `timeout after 10000 ms`, …), or why the row was skipped. */
  lastError?: string;
  /**
   * When a `pending` row is due; for a `delivering` row, when its lease runs out (another worker may then take it).
   * Epoch ms; absent once delivered, failed or skipped.
   */
  nextAttemptAt?: number;
  /** The worker holding a `delivering` row. */
  leaseOwner?: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms. */
  updatedAt: number;
  /** Epoch ms, once delivered. */
  deliveredAt?: number;
  /** Times the row was put back in the queue by replay. */
  replays: number;
  /** `attempts` when the row was last replayed (0 before): the retry schedule counts the attempts after it. */
  scheduleStart: number;
}

/**
 * What one attempt ended in, as far as the row is concerned; `interrupted`: the worker holding the lease stopped
 * answering (killed mid-send), so whether the receiver got it is unknown, and the row was taken over.
 */
export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'skipped' | 'interrupted';

/** One delivery attempt, as the log keeps it. */
export interface OutboxAttempt {
  /** The outbox row. */
  rowId: number;
  /** 1 for the first attempt of the row. */
  attempt: number;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  /** The final URL as sent, secrets redacted. */
  url: string;
  httpStatus?: number;
  error?: string;
  outcome: AttemptOutcome;
  /** The worker that made it. */
  owner?: string;
}

/**
 * What a worker writes after an attempt: the attempt itself and the row's next state. The row moves on only while
 * the lease the attempt was made under still holds: `owner` and `attempt.attempt` (the row's `attempts` as claimed)
 * name that lease. A row leased since to another owner, or claimed again by the same owner after this lease ran out,
 * is left as it is (the attempt is still recorded).
 */
export interface AttemptRecord {
  rowId: number;
  /** The lease owner. */
  owner: string;
  /** The attempt; `attempt.attempt` is the row's `attempts` as claimed, which fences a stale report. */
  attempt: Omit<OutboxAttempt, 'rowId' | 'owner'>;
  /** The row's next status: `pending` (retry at `nextAttemptAt`), `delivered`, `failed` or `skipped`. */
  status: Exclude<OutboxStatus, 'delivering'>;
  /** For `pending`. */
  nextAttemptAt?: number;
  /** The URL as rendered this time (the rule may have changed since the row was written). */
  url: string;
}

/** Filters and paging for the log. Every filter is optional; rows come newest first. */
export interface OutboxQuery {
  status?: OutboxStatus | readonly OutboxStatus[];
  /** Rule id(s). */
  rule?: string | readonly string[];
  clickId?: string;
  transactionId?: string;
  /** Created at or after (epoch ms or Date). */
  since?: number | Date;
  /** Created before (epoch ms or Date). */
  until?: number | Date;
  /** Rows per page, 1–1,000. Default 50. */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

/** One page of the log. */
export interface OutboxPage {
  rows: OutboxRow[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  next?: string;
}

/** What replay re-queues: rows by id, or every failed row (of some rules). */
export type ReplaySelector =
  | { ids: readonly number[] }
  | { status: 'failed'; rule?: string | readonly string[] };

/** What enqueue did with one row. */
export interface EnqueueResult {
  /** The row as stored: the new one, or the one already there for (transactionId, rule). */
  row: OutboxRow;
  /** False when a row for (transactionId, rule) existed: a redelivered or repeated conversion. */
  inserted: boolean;
}

/** Options of claim. */
export interface ClaimOptions {
  /** The worker's lease owner token. */
  owner: string;
  /** Epoch ms. */
  now: number;
  /** The lease: the row is the worker's until now + leaseMs. */
  leaseMs: number;
  /** At most this many rows. */
  limit: number;
  /** Only rows of these rules (the ones the worker can render). */
  rules: readonly string[];
}

/** Options of prune: rows last updated before these ages go (with their attempts). */
export interface PruneOptions {
  /** Epoch ms. */
  now: number;
  /** Delivered and skipped rows older than this, in ms. */
  deliveredMs?: number;
  /** Failed rows older than this, in ms. Default: kept until replayed (or pruned explicitly). */
  failedMs?: number;
}

/** Row counts per status. */
export type OutboxStats = Record<OutboxStatus, number>;

/** Every status at 0: what stats() counts up from. */
export const emptyStats = (): OutboxStats =>
  Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as OutboxStats;

/**
 * Where postbacks wait and what happened to them. Three implementations: `sqliteOutbox` (clicktrail/server/sqlite),
 * `postgresOutbox` (clicktrail/server/postgres) and `memoryOutbox` (not durable: tests and edge demos). Methods take
 * the time as an argument (epoch ms), so one clock (yours, or a test's) rules every decision.
 */
export interface OutboxStore {
  /** `'memory'`, `'sqlite'` or `'postgres'`. */
  readonly kind: string;
  /** True when rows survive a crash of this process. */
  readonly durable: boolean;
  /** Opens the database and runs its migrations; every other call does it first. Rejects with OutboxError. */
  open(): Promise<void>;
  /** Inserts the rows in one transaction (committed when this resolves); rows already there are left as they are. */
  enqueue(rows: readonly NewOutboxRow[], now: number): Promise<EnqueueResult[]>;
  /**
   * Leases due rows to `owner` (`delivering` until the lease ends) and counts an attempt on each: pending rows that are
   * due, and delivering rows whose lease ran out (recorded as an `interrupted` attempt). Oldest due first.
   */
  claim(options: ClaimOptions): Promise<OutboxRow[]>;
  /** Pushes the lease of rows still held by `owner` to `until`; resolves with the ids still held. */
  extend(ids: readonly number[], owner: string, until: number, now: number): Promise<number[]>;
  /**
   * Records attempts and moves their rows on; resolves, per result, whether its lease still held (the row is
   * `delivering`, leased to `owner`, and its `attempts` is `attempt.attempt`): only then does the row move.
   */
  finish(results: readonly AttemptRecord[], now: number): Promise<boolean[]>;
  /** Gives leased rows back, due at once, without counting an attempt (a worker stopping before it sent them). */
  release(ids: readonly number[], owner: string, now: number): Promise<void>;
  /** The log, filtered and paged, newest first. */
  list(query?: OutboxQuery): Promise<OutboxPage>;
  /** One row, or undefined. */
  get(id: number): Promise<OutboxRow | undefined>;
  /** A row's attempts, oldest first. */
  attempts(id: number): Promise<OutboxAttempt[]>;
  /** Row counts per status. */
  stats(): Promise<OutboxStats>;
  /**
   * Puts rows back in the queue, due at `now`, with a fresh retry schedule: failed, skipped or delivered rows (a
   * delivered row is sent again only when named by id). Resolves with the ids re-queued.
   */
  replay(selector: ReplaySelector, now: number): Promise<number[]>;
  /** Deletes old rows and their attempts; resolves with the number of rows deleted. */
  prune(options: PruneOptions): Promise<number>;
  /** Calls listener after rows are enqueued or replayed through this object (an in-process wake-up for workers). */
  watch(listener: () => void): () => void;
  /** Closes the connection (a pool or handle you passed in is left open). */
  close(): Promise<void>;
}
