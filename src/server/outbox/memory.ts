// The in-memory outbox: the same behaviour as the SQL stores, in one process, gone when it exits. For tests, demos
// and edge runtimes without a database; never for postbacks you cannot afford to lose.
import { createWatchers } from './batch';
import { closedError } from './open-once';
import { matchesQuery, normalizeQuery, toPage } from './query';
import {
  type AttemptRecord,
  emptyStats,
  INTERRUPTED,
  type OutboxAttempt,
  type OutboxRow,
  type OutboxStore,
} from './row';

const clone = (row: OutboxRow): OutboxRow => structuredClone(row);

/** Options of memoryOutbox. */
export interface MemoryOutboxOptions {
  /** At most this many rows are kept; past it, the oldest delivered or skipped rows go first. Default 100,000. */
  maxRows?: number;
}

/**
 * An OutboxStore in this process's memory. **Not durable**: a restart loses every row, delivered or not. Right for
 * tests and for edge runtimes that have no database; use sqliteOutbox or postgresOutbox in production.
 */
export const memoryOutbox = (options: MemoryOutboxOptions = {}): OutboxStore => {
  const maxRows = options.maxRows ?? 100_000;
  const rows = new Map<number, OutboxRow>();
  const byKey = new Map<string, number>();
  const attempts = new Map<number, OutboxAttempt[]>();
  const watchers = createWatchers();
  let seq = 0;
  let closed = false;
  const key = (transactionId: string, rule: string) => `${transactionId}\u0000${rule}`;
  const check = () => {
    if (closed) throw closedError();
  };
  const record = (attempt: OutboxAttempt) => {
    const list = attempts.get(attempt.rowId);
    if (list) list.push(attempt);
    else attempts.set(attempt.rowId, [attempt]);
  };
  const remove = (id: number) => {
    const row = rows.get(id);
    if (!row) return;
    rows.delete(id);
    byKey.delete(key(row.transactionId, row.rule));
    attempts.delete(id);
  };
  // The lease a report belongs to: its owner and the attempt its claim counted (see AttemptRecord).
  const holds = (r: OutboxRow, result: AttemptRecord) =>
    r.status === 'delivering' && r.leaseOwner === result.owner && r.attempts === result.attempt.attempt;
  const evict = () => {
    // Map iterates in insertion order: the oldest rows first. Only finished rows make room.
    for (const [id, row] of rows) {
      if (rows.size <= maxRows) break;
      if (row.status === 'delivered' || row.status === 'skipped') remove(id);
    }
  };

  return {
    kind: 'memory',
    durable: false,
    async open() {
      check();
    },

    async enqueue(newRows, now) {
      check();
      const out = newRows.map((n) => {
        const existing = byKey.get(key(n.transactionId, n.rule));
        if (existing !== undefined) return { row: clone(rows.get(existing) as OutboxRow), inserted: false };
        const { status, error, ...rest } = n;
        const row: OutboxRow = {
          ...structuredClone(rest),
          id: ++seq,
          status,
          attempts: 0,
          ...(error !== undefined ? { lastError: error } : {}),
          ...(status === 'pending' ? { nextAttemptAt: now } : {}),
          createdAt: now,
          updatedAt: now,
          replays: 0,
          scheduleStart: 0,
        };
        rows.set(row.id, row);
        byKey.set(key(row.transactionId, row.rule), row.id);
        return { row: clone(row), inserted: true };
      });
      evict();
      if (out.some((r) => r.inserted)) watchers.notify();
      return out;
    },

    async claim({ owner, now, leaseMs, limit, rules }) {
      check();
      const wanted = new Set(rules);
      const first = (a: OutboxRow, b: OutboxRow) =>
        (a.nextAttemptAt as number) - (b.nextAttemptAt as number) || a.id - b.id;
      // The `limit` rows due first, kept sorted as the scan goes: no sort of every due row on each claim.
      const due: OutboxRow[] = [];
      const max = Math.max(0, limit);
      for (const r of rows.values()) {
        if (!(r.status === 'pending' || r.status === 'delivering') || (r.nextAttemptAt as number) > now)
          continue;
        if (!wanted.has(r.rule) || !max || (due.length === max && first(r, due[max - 1] as OutboxRow) >= 0))
          continue;
        let at = due.length;
        while (at > 0 && first(r, due[at - 1] as OutboxRow) < 0) at--;
        due.splice(at, 0, r);
        if (due.length > max) due.pop();
      }
      return due.map((r) => {
        if (r.status === 'delivering')
          record({
            rowId: r.id,
            attempt: r.attempts,
            startedAt: now,
            durationMs: 0,
            url: r.url,
            error: INTERRUPTED,
            outcome: 'interrupted',
            ...(r.leaseOwner ? { owner: r.leaseOwner } : {}),
          });
        r.status = 'delivering';
        r.attempts++;
        r.leaseOwner = owner;
        r.nextAttemptAt = now + leaseMs;
        r.updatedAt = now;
        return clone(r);
      });
    },

    async extend(ids, owner, until, now) {
      check();
      const held: number[] = [];
      for (const id of ids) {
        const r = rows.get(id);
        if (r?.status !== 'delivering' || r.leaseOwner !== owner) continue;
        r.nextAttemptAt = until;
        r.updatedAt = now;
        held.push(id);
      }
      return held;
    },

    async finish(results, now) {
      check();
      return results.map((result) => {
        const r = rows.get(result.rowId);
        if (!r) return false;
        record({ ...result.attempt, rowId: r.id, owner: result.owner });
        if (!holds(r, result)) return false;
        r.status = result.status;
        r.url = result.url;
        r.updatedAt = now;
        delete r.leaseOwner;
        if (result.attempt.httpStatus === undefined) delete r.lastHttpStatus;
        else r.lastHttpStatus = result.attempt.httpStatus;
        if (result.attempt.error === undefined) delete r.lastError;
        else r.lastError = result.attempt.error;
        if (result.status === 'pending') r.nextAttemptAt = result.nextAttemptAt ?? now;
        else delete r.nextAttemptAt;
        if (result.status === 'delivered') r.deliveredAt = now;
        return true;
      });
    },

    async release(ids, owner, now) {
      check();
      for (const id of ids) {
        const r = rows.get(id);
        if (r?.status !== 'delivering' || r.leaseOwner !== owner) continue;
        r.status = 'pending';
        r.attempts = Math.max(r.scheduleStart, r.attempts - 1);
        r.nextAttemptAt = now;
        r.updatedAt = now;
        delete r.leaseOwner;
      }
      if (ids.length) watchers.notify();
    },

    async list(query) {
      check();
      const q = normalizeQuery(query);
      const found: OutboxRow[] = [];
      // Newest first: walk the ids downwards, stop once a page and one more are found.
      const ids = [...rows.keys()].sort((a, b) => b - a);
      for (const id of ids) {
        const r = rows.get(id) as OutboxRow;
        if (matchesQuery(r, q)) found.push(clone(r));
        if (found.length > q.limit) break;
      }
      return toPage(found, q.limit);
    },

    async get(id) {
      check();
      const r = rows.get(id);
      return r && clone(r);
    },

    async attempts(id) {
      check();
      return structuredClone(attempts.get(id) ?? []);
    },

    async stats() {
      check();
      const stats = emptyStats();
      for (const r of rows.values()) stats[r.status]++;
      return stats;
    },

    async replay(selector, now) {
      check();
      const picked =
        'ids' in selector
          ? selector.ids
              .map((id) => rows.get(id))
              .filter((r) => r && r.status !== 'pending' && r.status !== 'delivering')
          : [...rows.values()].filter(
              (r) =>
                r.status === 'failed' &&
                (selector.rule === undefined ||
                  (typeof selector.rule === 'string' ? [selector.rule] : selector.rule).includes(r.rule)),
            );
      const ids: number[] = [];
      for (const r of picked as OutboxRow[]) {
        if (ids.includes(r.id)) continue;
        r.status = 'pending';
        r.nextAttemptAt = now;
        r.replays++;
        r.scheduleStart = r.attempts;
        r.updatedAt = now;
        ids.push(r.id);
      }
      if (ids.length) watchers.notify();
      return ids.sort((a, b) => a - b);
    },

    async prune({ now, deliveredMs, failedMs }) {
      check();
      let n = 0;
      for (const [id, r] of [...rows]) {
        const age = now - r.updatedAt;
        const old =
          ((r.status === 'delivered' || r.status === 'skipped') &&
            deliveredMs !== undefined &&
            age > deliveredMs) ||
          (r.status === 'failed' && failedMs !== undefined && age > failedMs);
        if (old) {
          remove(id);
          n++;
        }
      }
      return n;
    },

    watch: watchers.watch,

    async close() {
      closed = true;
    },
  };
};
