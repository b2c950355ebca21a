// Rows as the SQL stores read and write them: columns ↔ OutboxRow / OutboxAttempt, for SQLite and Postgres alike
// (Postgres hands BIGINT back as strings and JSONB as objects, SQLite numbers and JSON text).
import type { ResolvedConversion } from '../conversion';
import type { HttpMethod } from '../send';
import {
  type AttemptOutcome,
  emptyStats,
  type NewOutboxRow,
  type OutboxAttempt,
  type OutboxRow,
  type OutboxStats,
  type OutboxStatus,
} from './row';

type Raw = Record<string, unknown>;

// A nullable column (SQL NULL, or absent): undefined, else the value as a number / a string.
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** The columns of an insert, in order, matching insertValues. */
export const INSERT_COLUMNS = [
  'rule',
  'transaction_id',
  'click_id',
  'event',
  'conversion_status',
  'amount',
  'currency',
  'template',
  'url',
  'method',
  'conversion',
  'missing',
  'status',
  'last_error',
  'next_attempt_at',
  'created_at',
  'updated_at',
] as const;

/** The values of INSERT_COLUMNS for a new row. */
export const insertValues = (row: NewOutboxRow, now: number): unknown[] => [
  row.rule,
  row.transactionId,
  row.clickId,
  row.event,
  row.conversionStatus,
  row.amount,
  row.currency,
  row.template,
  row.url,
  row.method,
  JSON.stringify(row.conversion),
  row.missing?.length ? JSON.stringify(row.missing) : null,
  row.status,
  row.error ?? null,
  row.status === 'pending' ? now : null,
  now,
  now,
];

/** An OutboxRow from its columns. */
export const toRow = (r: Raw): OutboxRow => {
  const row: OutboxRow = {
    id: Number(r.id),
    rule: String(r.rule),
    clickId: String(r.click_id),
    transactionId: String(r.transaction_id),
    event: String(r.event),
    conversionStatus: String(r.conversion_status),
    amount: Number(r.amount),
    currency: String(r.currency),
    template: String(r.template),
    url: String(r.url),
    method: String(r.method) as HttpMethod,
    conversion: json<ResolvedConversion>(r.conversion),
    status: String(r.status) as OutboxStatus,
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    replays: Number(r.replays),
    scheduleStart: Number(r.schedule_start),
  };
  const missing = r.missing === null || r.missing === undefined ? undefined : json<string[]>(r.missing);
  if (missing?.length) row.missing = missing;
  const optional = {
    lastHttpStatus: num(r.last_http_status),
    lastError: text(r.last_error),
    nextAttemptAt: num(r.next_attempt_at),
    leaseOwner: text(r.lease_owner),
    deliveredAt: num(r.delivered_at),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (row as unknown as Raw)[k] = v;
  return row;
};

/** An OutboxAttempt from its columns. */
export const toAttempt = (r: Raw): OutboxAttempt => {
  const a: OutboxAttempt = {
    rowId: Number(r.outbox_id),
    attempt: Number(r.attempt),
    startedAt: Number(r.started_at),
    durationMs: Number(r.duration_ms),
    url: String(r.url),
    outcome: String(r.outcome) as AttemptOutcome,
  };
  const httpStatus = num(r.http_status);
  const error = text(r.error);
  const owner = text(r.owner);
  if (httpStatus !== undefined) a.httpStatus = httpStatus;
  if (error !== undefined) a.error = error;
  if (owner !== undefined) a.owner = owner;
  return a;
};

/** Row counts per status from `SELECT status, count(*) AS n … GROUP BY status`; a status with no rows counts 0. */
export const toStats = (rows: readonly Raw[]): OutboxStats => {
  const stats = emptyStats();
  for (const r of rows) if (String(r.status) in stats) stats[String(r.status) as OutboxStatus] = Number(r.n);
  return stats;
};
