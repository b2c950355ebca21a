// The worker: leases due rows, makes one HTTP attempt per lease with sendPostback's rules (attemptPostback: timeout,
// body drained, Retry-After read), records it and moves the row on (delivered, retry on the schedule, failed). A
// long-running loop for servers (start/stop) and a one-shot deliverDue() for serverless routes and cron jobs; both
// bounded in concurrency.
import { redactUrl } from '../redact';
import { postbackRequest } from '../request';
import { cannotRender, type PostbackRule, renderRule } from '../rules';
import { type AttemptResult, attemptPostback, DEFAULT_SEND_OPTIONS, type SendOptions } from '../send';
import { callSafely } from '../time-limit';
import { conversionValues } from '../values';
import { OutboxError } from './errors';
import type { AttemptRecord, OutboxAttempt, OutboxRow, OutboxStatus, OutboxStore } from './row';
import { type RetryPolicy, scheduleDelay } from './schedule';

const DAY = 24 * 3600 * 1000;

/** How long rows are kept. */
export interface RetentionOptions {
  /** Delivered and skipped rows older than this (since their last change) are deleted, in ms; false keeps them. Default 30 days. */
  deliveredMs?: number | false;
  /** Failed rows older than this are deleted, in ms; false keeps them until replayed. Default false. */
  failedMs?: number | false;
}

/** Options of createWorker. */
export interface WorkerOptions {
  /** The outbox to deliver from. */
  outbox: OutboxStore;
  /** The rules, as given to createDispatcher: the worker renders each row from its rule (by id) at delivery. */
  rules: readonly PostbackRule[];
  /** Postbacks in flight at once. Default 10. */
  concurrency?: number;
  /**
   * How long a claimed row is this worker's, in ms; renewed every third of it while the send runs. Another worker
   * takes a row over only once its lease ran out (its worker died). Default: 3 × the longest send timeout, at least 30 s.
   */
  leaseMs?: number;
  /** How often the loop looks for due rows when nothing woke it, in ms. Default 1,000. */
  pollIntervalMs?: number;
  /** The retry schedule (default Svix's, about 27 hours), jitter and the Retry-After cap. */
  retry?: RetryPolicy;
  /**
   * Delivery options under each rule's own `send`: `timeoutMs` (per attempt, default 10,000) and `fetch`. The retry
   * options (`retries`, `backoffMs`, …) do not apply: the schedule (`retry`) spaces the attempts.
   */
  sendOptions?: Pick<SendOptions, 'timeoutMs' | 'fetch'>;
  /** Pruning old rows: done by the loop once an hour, and by deliverDue() at most once an hour. */
  retention?: RetentionOptions;
  /** Told about every attempt, after it is recorded. */
  onAttempt?: (event: AttemptEvent) => void;
  /** Told about errors the worker survives (the database unreachable, a row it could not record). Default: none. */
  onError?: (error: unknown) => void;
  /** This worker's lease owner token. Default: a random UUID. */
  owner?: string;
  /** Clock, epoch ms. Default Date.now. */
  now?: () => number;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
}

/** One recorded attempt, as onAttempt receives it. */
export interface AttemptEvent {
  /** The row as claimed (before this attempt's outcome). */
  row: OutboxRow;
  attempt: OutboxAttempt;
  /** The row's status now. */
  status: Exclude<OutboxStatus, 'delivering'>;
  /** For `pending`: when the next attempt is due. */
  nextAttemptAt?: number;
  /** False when the row's lease had passed to another worker before this one reported (the attempt is still logged). */
  recorded: boolean;
}

/** What a deliverDue() call did. */
export interface DeliverySummary {
  /** Rows leased. */
  claimed: number;
  delivered: number;
  /** Attempts that failed and were scheduled again. */
  retrying: number;
  failed: number;
  skipped: number;
  /** True when it stopped because of its limit or time budget, with rows possibly still due. */
  more: boolean;
}

/** Options of deliverDue(). */
export interface DeliverDueOptions {
  /** At most this many rows. Default: all that are due. */
  limit?: number;
  /** Stop claiming after this long, in ms (a serverless function's time budget, minus the send timeout). Default none. */
  maxDurationMs?: number;
}

/** Options of stop(). */
export interface StopOptions {
  /** How long in-flight sends may take to finish before they are aborted and given back, in ms. Default: the lease. */
  timeoutMs?: number;
}

/** A postback worker over an outbox. */
export interface Worker {
  /** Starts the loop (servers); throws OutboxError `outbox_worker` if it already runs. */
  start(): void;
  /** Stops claiming, lets in-flight sends finish (or aborts them after timeoutMs and gives their rows back). */
  stop(options?: StopOptions): Promise<void>;
  /**
   * Delivers what is due now and resolves when done (serverless routes, cron jobs, tests). Rejects with the store's
   * OutboxError when a claim fails, once the sends already out have finished and been recorded.
   */
  deliverDue(options?: DeliverDueOptions): Promise<DeliverySummary>;
  /** True between start() and stop(). */
  readonly running: boolean;
  /** This worker's lease owner token. */
  readonly owner: string;
}

const randomId = (): string =>
  globalThis.crypto?.randomUUID?.() ?? `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

const abortError = (why: string): Error =>
  Object.assign(new Error(`aborted: ${why}`), { name: 'AbortError' });

/** Checks the store can lease rows and the rules are usable; throws OutboxError `outbox_worker` / `outbox_options`. */
const checkOptions = (options: WorkerOptions): void => {
  const store = options?.outbox as Partial<OutboxStore> | undefined;
  if (
    !store ||
    typeof store.claim !== 'function' ||
    typeof store.extend !== 'function' ||
    typeof store.finish !== 'function'
  )
    throw new OutboxError(
      'outbox_worker',
      'The outbox given to createWorker cannot lease rows (no claim/extend/finish): a second worker on it would send ' +
        'the same postbacks twice. Pass sqliteOutbox(), postgresOutbox() or memoryOutbox().',
    );
  const ids = new Set<string>();
  for (const rule of options.rules ?? []) {
    if (!rule?.id || ids.has(rule.id))
      throw new OutboxError('outbox_options', `Rule ids must be unique and non-empty: '${rule?.id}'`);
    ids.add(rule.id);
  }
  for (const [name, value, min] of [
    ['leaseMs', options.leaseMs, 1],
    ['pollIntervalMs', options.pollIntervalMs, 1],
    ['retry.maxRetryAfterMs', options.retry?.maxRetryAfterMs, 0],
  ] as const)
    if (value !== undefined && !(Number.isFinite(value) && value >= min))
      throw new OutboxError('outbox_options', `${name} must be a number ≥ ${min}, got ${value}`);
  const { concurrency } = options;
  if (concurrency !== undefined && !(Number.isSafeInteger(concurrency) && concurrency >= 1))
    throw new OutboxError('outbox_options', `concurrency must be a whole number ≥ 1, got ${concurrency}`);
  // A wait that is not a number makes a row's next attempt NaN: SQLite stores NULL (never due again, the postback
  // silently stuck), Postgres refuses the write. Caught here, at startup, instead.
  const { schedule, jitter } = options.retry ?? {};
  if (
    schedule !== undefined &&
    !(Array.isArray(schedule) && schedule.every((ms) => Number.isFinite(ms) && ms >= 0))
  )
    throw new OutboxError(
      'outbox_options',
      'retry.schedule must be an array of waits in ms, each a number ≥ 0',
    );
  if (jitter !== undefined && !(Number.isFinite(jitter) && jitter >= 0 && jitter <= 1))
    throw new OutboxError('outbox_options', `retry.jitter must be a number from 0 to 1, got ${jitter}`);
};

/**
 * A worker that delivers an outbox's postbacks: `start()`/`stop()` for a long-running server, `deliverDue()` for a
 * serverless route or a cron job. Rows are leased with an owner token (renewed while sending), so any number of
 * workers, in any number of processes, can share one outbox without sending a postback twice.
 */
export const createWorker = (options: WorkerOptions): Worker => {
  checkOptions(options);
  const {
    outbox,
    concurrency = 10,
    pollIntervalMs = 1000,
    retry = {},
    sendOptions = {},
    now = Date.now,
    random = Math.random,
  } = options;
  const owner = options.owner ?? randomId();
  const rules = new Map(options.rules.map((r) => [r.id, r]));
  const ruleIds = [...rules.keys()];
  const timeoutOf = (rule: PostbackRule) =>
    rule.send?.timeoutMs ?? sendOptions.timeoutMs ?? DEFAULT_SEND_OPTIONS.timeoutMs;
  const longestTimeout = Math.max(
    sendOptions.timeoutMs ?? DEFAULT_SEND_OPTIONS.timeoutMs,
    ...options.rules.map(timeoutOf),
  );
  const leaseMs = options.leaseMs ?? Math.max(30_000, 3 * longestTimeout);
  const retention = {
    deliveredMs: (30 * DAY) as number | false,
    failedMs: false as number | false,
    ...options.retention,
  };
  // The reporter's failure (a throw, or a rejection from an async one) must not stop deliveries.
  const report = (e: unknown) => callSafely(options.onError, e);

  /** Rows this worker holds, with the controller that aborts their send (one per row: its latest lease). */
  const inFlight = new Map<number, AbortController>();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let lastPrune = Number.NEGATIVE_INFINITY;

  // One renewal at a time: a slow one overtaken by the next could land last and set an earlier lease end.
  let renewing = false;
  const renew = async () => {
    const ids = [...inFlight.keys()];
    if (!ids.length || renewing) return;
    renewing = true;
    try {
      const t = now();
      const held = new Set(await outbox.extend(ids, owner, t + leaseMs, t));
      // A row whose lease passed to another worker is that worker's now: stop sending it here.
      for (const id of ids)
        if (!held.has(id)) inFlight.get(id)?.abort(abortError('the lease passed to another worker'));
    } catch (e) {
      report(e);
    } finally {
      renewing = false;
    }
  };
  const track = (id: number, controller: AbortController) => {
    // Claimed again while an older send of it still runs: that send's lease ran out (its renewals failed), so the
    // row is the new lease's. The store refuses the old one's report; stop it here too.
    inFlight.get(id)?.abort(abortError('the lease ran out and the row was claimed again'));
    inFlight.set(id, controller);
    heartbeat ??= setInterval(() => void renew(), Math.max(50, Math.floor(leaseMs / 3)));
  };
  const untrack = (id: number, controller: AbortController) => {
    if (inFlight.get(id) === controller) inFlight.delete(id);
    if (!inFlight.size && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };

  /** One attempt for a leased row: render from the rule, send once, decide what comes next. */
  const attempt = async (row: OutboxRow, signal: AbortSignal): Promise<AttemptRecord> => {
    const rule = rules.get(row.rule) as PostbackRule;
    const startedAt = now();
    const t0 = performance.now();
    const n = row.attempts;
    const result = (
      status: AttemptRecord['status'],
      url: string,
      fields: { httpStatus?: number; error?: string; nextAttemptAt?: number },
      outcome: OutboxAttempt['outcome'],
    ): AttemptRecord => ({
      rowId: row.id,
      owner,
      status,
      url,
      ...(fields.nextAttemptAt !== undefined ? { nextAttemptAt: fields.nextAttemptAt } : {}),
      attempt: {
        attempt: n,
        startedAt,
        durationMs: Math.round((performance.now() - t0) * 100) / 100,
        url,
        outcome,
        ...(fields.httpStatus !== undefined ? { httpStatus: fields.httpStatus } : {}),
        ...(fields.error !== undefined ? { error: fields.error } : {}),
      },
    });

    let rendered: { url: string };
    try {
      rendered = renderRule(rule, conversionValues(row.conversion));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // The rule changed since the row was written and can no longer render it: nothing to send, nothing to retry.
      if (cannotRender(e)) return result('skipped', row.url, { error: message }, 'skipped');
      return result('failed', row.url, { error: `render failed: ${message}` }, 'failed');
    }
    const url = redactUrl(rendered.url);
    const baseFetch = rule.send?.fetch ?? sendOptions.fetch ?? globalThis.fetch;
    // No redirect is followed: 3xx is a failure to fix, and a redirect must not send the postback somewhere else.
    // The worker's own signal aborts the request when it stops or loses the lease.
    const fetchOnce: typeof fetch = (input, init) =>
      baseFetch(input, {
        ...init,
        redirect: 'manual',
        signal: init?.signal && AbortSignal.any ? AbortSignal.any([init.signal, signal]) : signal,
      });
    let sent: AttemptResult;
    try {
      sent = await attemptPostback(postbackRequest(rendered.url, rule), {
        timeoutMs: timeoutOf(rule),
        fetch: fetchOnce,
      });
    } catch (e) {
      // attemptPostback never throws; a custom fetch that does so synchronously is a failed attempt all the same.
      sent = { ok: false, error: e instanceof Error ? e.message : String(e), retryable: true };
    }
    const fields = {
      ...(sent.status !== undefined ? { httpStatus: sent.status } : {}),
      ...(sent.error !== undefined ? { error: sent.error } : {}),
    };
    if (signal.aborted && !sent.ok)
      // Stopped (or the lease was lost) mid-send: due again at once; the attempt stays on record.
      return result(
        'pending',
        url,
        {
          ...fields,
          error: (signal.reason as Error | undefined)?.message ?? 'aborted',
          nextAttemptAt: now(),
        },
        'retry',
      );
    if (sent.ok) return result('delivered', url, fields, 'delivered');
    // Not retryable: 3xx, 4xx other than 408 and 429, a URL that cannot be parsed.
    if (!sent.retryable) return result('failed', url, fields, 'failed');
    const failed = n - row.scheduleStart;
    const wait = scheduleDelay(failed, retry, sent.retryAfterMs, random);
    if (wait === undefined)
      return result(
        'failed',
        url,
        { ...fields, error: `${fields.error ?? 'failed'} (gave up after ${failed} attempts)` },
        'failed',
      );
    return result('pending', url, { ...fields, nextAttemptAt: now() + wait }, 'retry');
  };

  /** Records an attempt, retrying the write while the lease lasts (a lost write means a duplicate send later). */
  const record = async (r: AttemptRecord): Promise<boolean | undefined> => {
    const until = performance.now() + leaseMs;
    for (let wait = 200; ; wait = Math.min(wait * 5, 5000)) {
      try {
        return (await outbox.finish([r], now()))[0] ?? false;
      } catch (e) {
        report(e);
        // A closed store will not come back; anything else (the database restarting) may, within the lease.
        if (e instanceof OutboxError && e.code === 'outbox_closed') return undefined;
        if (performance.now() + wait > until) return undefined;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };

  /** Sends one claimed row and records the outcome; resolves to the row's next status (undefined: not recorded). */
  const run = async (row: OutboxRow): Promise<AttemptRecord['status'] | undefined> => {
    const controller = new AbortController();
    track(row.id, controller);
    try {
      if (!rules.has(row.rule)) {
        // Claims only ask for known rules; a row of another rule here is someone else's: give it back untouched.
        await outbox.release([row.id], owner, now());
        return undefined;
      }
      const r = await attempt(row, controller.signal);
      const recorded = await record(r);
      if (recorded === undefined) return undefined;
      // A broken logger (one that throws, or rejects) must not lose the delivery.
      callSafely(options.onAttempt, {
        row,
        attempt: { ...r.attempt, rowId: row.id, owner },
        status: r.status,
        ...(r.nextAttemptAt !== undefined ? { nextAttemptAt: r.nextAttemptAt } : {}),
        recorded,
      });
      return r.status;
    } catch (e) {
      report(e);
      return undefined;
    } finally {
      untrack(row.id, controller);
    }
  };

  const prune = async () => {
    const t = now();
    if (t - lastPrune < 3600_000) return;
    lastPrune = t;
    if (retention.deliveredMs === false && retention.failedMs === false) return;
    try {
      await outbox.prune({
        now: t,
        ...(retention.deliveredMs === false ? {} : { deliveredMs: retention.deliveredMs }),
        ...(retention.failedMs === false ? {} : { failedMs: retention.failedMs }),
      });
    } catch (e) {
      report(e);
    }
  };

  // The loop: claim as many rows as there are free slots, send them, and claim again when a slot frees, the store
  // says rows were enqueued (same process), or the poll interval passes.
  let running = false;
  let loopDone: Promise<void> | undefined;
  let nudge: (() => void) | undefined;
  let unwatch: (() => void) | undefined;
  const wake = () => nudge?.();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        nudge = undefined;
        resolve();
      }
      nudge = done;
    });
  const sends = new Set<Promise<unknown>>();
  // Claiming is a transaction: under load, wait until a quarter of the slots are free and claim them together.
  const refill = Math.max(1, Math.floor(concurrency / 4));
  let saturated = false;

  const loop = async () => {
    while (running) {
      await prune();
      const free = concurrency - sends.size;
      if (free > 0) {
        let rows: OutboxRow[] = [];
        try {
          rows = await outbox.claim({ owner, now: now(), leaseMs, limit: free, rules: ruleIds });
        } catch (e) {
          report(e);
          // A closed store will not come back: the loop ends (in-flight sends still finish). Anything else (the
          // database restarting, a network blip) is retried at the next poll.
          if (e instanceof OutboxError && e.code === 'outbox_closed') running = false;
        }
        for (const row of rows) {
          const p = run(row).finally(() => {
            sends.delete(p);
            if (saturated && concurrency - sends.size >= refill) wake();
          });
          sends.add(p);
        }
        // Every slot filled: more rows may be due, so claim again as soon as slots free up.
        saturated = rows.length === free;
      }
      if (running) await pause(pollIntervalMs);
    }
  };

  return {
    get running() {
      return running;
    },
    owner,

    start() {
      if (running)
        throw new OutboxError(
          'outbox_worker',
          'This worker is already running: one loop per worker. For more throughput raise `concurrency`, or create ' +
            'more workers (they lease rows, so they never send one twice).',
        );
      running = true;
      unwatch = outbox.watch(wake);
      loopDone = loop().catch(report);
    },

    async stop(stopOptions = {}) {
      if (!running && !loopDone) return;
      running = false;
      wake();
      await loopDone;
      loopDone = undefined;
      unwatch?.();
      unwatch = undefined;
      if (sends.size) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, stopOptions.timeoutMs ?? leaseMs);
        });
        await Promise.race([Promise.allSettled([...sends]), late]);
        clearTimeout(timer);
        // Still sending after the grace period: abort; each records its attempt and becomes due again at once.
        for (const controller of inFlight.values()) controller.abort(abortError('the worker stopped'));
        await Promise.allSettled([...sends]);
      }
    },

    async deliverDue(dueOptions = {}) {
      const limit = dueOptions.limit ?? Number.POSITIVE_INFINITY;
      const deadline = performance.now() + (dueOptions.maxDurationMs ?? Number.POSITIVE_INFINITY);
      const summary: DeliverySummary = {
        claimed: 0,
        delivered: 0,
        retrying: 0,
        failed: 0,
        skipped: 0,
        more: false,
      };
      const mine = new Set<Promise<unknown>>();
      await prune();
      let exhausted = false;
      // A claim that fails (the database went away) ends the claiming, not the sends already out: they finish and
      // record first, so a serverless function does not return (and freeze) with requests in flight.
      let failure: { error: unknown } | undefined;
      for (;;) {
        if (!exhausted && (summary.claimed >= limit || performance.now() >= deadline)) {
          // The limit or the time budget is reached: finish what is in flight and say there may be more.
          exhausted = true;
          summary.more = true;
        }
        const free = Math.min(concurrency - mine.size, limit - summary.claimed);
        // Claim when enough slots are free to make the transaction worth it (or nothing is in flight).
        if (!exhausted && free > 0 && (free >= refill || !mine.size || free === limit - summary.claimed)) {
          let rows: OutboxRow[] = [];
          try {
            rows = await outbox.claim({ owner, now: now(), leaseMs, limit: free, rules: ruleIds });
          } catch (error) {
            failure = { error };
            exhausted = true;
          }
          summary.claimed += rows.length;
          if (rows.length < free) exhausted = true;
          for (const row of rows) {
            const p = run(row).then((status) => {
              mine.delete(p);
              if (status === 'delivered') summary.delivered++;
              else if (status === 'pending') summary.retrying++;
              else if (status === 'failed') summary.failed++;
              else if (status === 'skipped') summary.skipped++;
            });
            mine.add(p);
          }
          if (rows.length === free) continue;
        }
        if (!mine.size) break;
        await Promise.race(mine);
      }
      if (failure) throw failure.error;
      return summary;
    },
  };
};
