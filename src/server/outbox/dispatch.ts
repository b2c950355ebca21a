// dispatch() with an outbox: write the conversion's rows (one per matching rule, unique per transaction + rule) in
// one transaction and resolve once they are committed. Sending is the worker's job: nothing here waits for a
// tracker, so a webhook can answer Stripe as soon as the postbacks are safe on disk.
import { type Conversion, resolveConversion } from '../conversion';
import { MissingParamsError } from '../errors';
import type { PostbackRule } from '../rules';
import type { PostbackResult } from '../send';
import { callSafely } from '../time-limit';
import { outboxRows } from './enqueue';
import type { OutboxStore } from './row';

/** dispatch() backed by an outbox: resolves once the rows are committed; `outbox` says where they are. */
export type OutboxDispatch = ((conversion: Conversion) => Promise<PostbackResult[]>) & {
  /** The outbox the rows go to. */
  readonly outbox: OutboxStore;
};

/**
 * The dispatch function createDispatcher returns when given an outbox. Each entry says what happened to a rule's
 * row: `queued` (new, the worker will send it), `duplicate` (the row was already there: a redelivery) or `skipped`
 * (new, but a required value is missing; logged, never sent). `id` is the row's id in the outbox.
 */
export const outboxDispatch = (
  rules: readonly PostbackRule[],
  outbox: OutboxStore,
  options: { now?: () => number; log?: (entry: PostbackResult) => void } = {},
): OutboxDispatch => {
  const now = options.now ?? Date.now;
  const dispatch = async (conversion: Conversion): Promise<PostbackResult[]> => {
    const started = performance.now();
    const absent = (['clickId', 'transactionId'] as const).filter((k) => !conversion?.[k]);
    if (absent.length) throw new MissingParamsError(absent, 'conversion');
    const rows = await outboxRows(resolveConversion(conversion, now()), rules);
    const stored = await outbox.enqueue(rows, now());
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const entries = stored.map(
      ({ row, inserted }): PostbackResult => ({
        id: row.id,
        rule: row.rule,
        template: row.template,
        url: row.url,
        method: row.method,
        outcome: !inserted ? 'duplicate' : row.status === 'skipped' ? 'skipped' : 'queued',
        ok: false,
        attempts: 0,
        durationMs,
        ...(row.status === 'skipped' && row.lastError ? { error: row.lastError } : {}),
        ...(row.missing ? { missing: row.missing } : {}),
      }),
    );
    // A broken logger (one that throws, or rejects) must not fail a committed dispatch.
    for (const entry of entries) callSafely(options.log, entry);
    return entries;
  };
  return Object.assign(dispatch, { outbox });
};
