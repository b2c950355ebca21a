// The log's filters, checked once and shared by every store: the memory store applies them as a predicate, the SQL
// stores turn them into a WHERE clause with bound parameters (never into SQL text).
import { OutboxError } from './errors';
import { OUTBOX_STATUSES, type OutboxQuery, type OutboxRow, type OutboxStatus } from './row';

/** A query with its defaults applied and every value checked. */
export interface NormalQuery {
  statuses?: OutboxStatus[];
  rules?: string[];
  clickId?: string;
  transactionId?: string;
  since?: number;
  until?: number;
  limit: number;
  /** Rows with an id below this one (the cursor). */
  before?: number;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 1000;

const list = <T>(value: T | readonly T[] | undefined): T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? [...value] : [value as T];

const time = (value: number | Date | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (!Number.isFinite(ms))
    throw new OutboxError('outbox_options', `${name} must be a Date or epoch milliseconds`);
  return ms;
};

/** Checks a query and applies its defaults; throws OutboxError `outbox_options` naming what is wrong. */
export const normalizeQuery = (query: OutboxQuery = {}): NormalQuery => {
  const statuses = list(query.status);
  const bad = statuses?.filter((s) => !OUTBOX_STATUSES.includes(s));
  if (bad?.length)
    throw new OutboxError(
      'outbox_options',
      `Unknown status ${bad.map((s) => `'${s}'`).join(', ')}: use ${OUTBOX_STATUSES.join(', ')}`,
    );
  const limit = query.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new OutboxError('outbox_options', `limit must be an integer from 1 to ${MAX_PAGE}`);
  let before: number | undefined;
  if (query.cursor !== undefined) {
    before = Number(query.cursor);
    if (!/^\d{1,15}$/.test(query.cursor))
      throw new OutboxError('outbox_options', 'cursor must be the `next` of a previous page');
  }
  const out: NormalQuery = { limit };
  if (statuses) out.statuses = statuses;
  const rules = list(query.rule);
  if (rules) out.rules = rules.map(String);
  if (query.clickId !== undefined) out.clickId = String(query.clickId);
  if (query.transactionId !== undefined) out.transactionId = String(query.transactionId);
  const since = time(query.since, 'since');
  const until = time(query.until, 'until');
  if (since !== undefined) out.since = since;
  if (until !== undefined) out.until = until;
  if (before !== undefined) out.before = before;
  return out;
};

/** True when a row passes the query's filters (the cursor included). */
export const matchesQuery = (row: OutboxRow, q: NormalQuery): boolean =>
  (!q.statuses || q.statuses.includes(row.status)) &&
  (!q.rules || q.rules.includes(row.rule)) &&
  (q.clickId === undefined || row.clickId === q.clickId) &&
  (q.transactionId === undefined || row.transactionId === q.transactionId) &&
  (q.since === undefined || row.createdAt >= q.since) &&
  (q.until === undefined || row.createdAt < q.until) &&
  (q.before === undefined || row.id < q.before);

/**
 * The WHERE clause (without the keyword; `TRUE` when there is no filter) and its parameters, for a store whose
 * placeholders `param(n)` makes (`?` for SQLite, `$n` for Postgres). Column names are the schema's.
 */
export const whereClause = (
  q: NormalQuery,
  param: (index: number) => string,
  firstIndex = 1,
): { sql: string; params: unknown[] } => {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (value: unknown): string => {
    params.push(value);
    return param(firstIndex + params.length - 1);
  };
  const anyOf = (column: string, values: readonly unknown[]) =>
    parts.push(values.length ? `${column} IN (${values.map(add).join(', ')})` : 'FALSE');
  if (q.statuses) anyOf('status', q.statuses);
  if (q.rules) anyOf('rule', q.rules);
  if (q.clickId !== undefined) parts.push(`click_id = ${add(q.clickId)}`);
  if (q.transactionId !== undefined) parts.push(`transaction_id = ${add(q.transactionId)}`);
  if (q.since !== undefined) parts.push(`created_at >= ${add(q.since)}`);
  if (q.until !== undefined) parts.push(`created_at < ${add(q.until)}`);
  if (q.before !== undefined) parts.push(`id < ${add(q.before)}`);
  return { sql: parts.length ? parts.join(' AND ') : 'TRUE', params };
};

/** The page for rows fetched with `limit + 1`: the extra row only says there is a next page. */
export const toPage = (rows: OutboxRow[], limit: number): { rows: OutboxRow[]; next?: string } => {
  if (rows.length <= limit) return { rows };
  const page = rows.slice(0, limit);
  return { rows: page, next: String((page.at(-1) as OutboxRow).id) };
};
