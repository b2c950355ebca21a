import { MAX_TIMER_MS, shown } from '../check';
import { ClickTrailError } from '../errors';

/** Why the outbox refused or failed. */
export type OutboxErrorCode =
  /** The database driver (better-sqlite3, node:sqlite, pg) is not installed or not usable here. */
  | 'outbox_driver'
  /** The database could not be opened or reached. */
  | 'outbox_open'
  /** A schema migration failed (nothing of it was applied), or one is needed and the store was opened with `migrate: false`. */
  | 'outbox_migrate'
  /** The database was migrated by a newer clicktrail than this one. */
  | 'outbox_schema_newer'
  /** A query failed (the database went away, a disk is full, …). */
  | 'outbox_query'
  /** The store was closed. */
  | 'outbox_closed'
  /** An option is not valid. */
  | 'outbox_options'
  /** The worker's loop is already running, or the store cannot lease rows. */
  | 'outbox_worker';

/** An outbox error: `code` is stable, the message says what to do; `cause` holds the driver's error, if any. */
export class OutboxError extends ClickTrailError {
  declare readonly code: OutboxErrorCode;

  constructor(code: OutboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message);
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The driver's message, for an OutboxError's own (no final period); never a connection string's password. */
export const causeText = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e))
    // Up to the last @ of the URL: a password may hold an unencoded @ (hiding too much is the safe side).
    .replace(/\b(postgres(?:ql)?:\/\/[^:/@\s]*:)\S*@/gi, '$1***@')
    .replace(/[.\s]+$/, '');

/**
 * A store's duration option (`busyTimeoutMs`, `connectTimeoutMs`), checked when the store is created: undefined (the
 * default applies) or a whole number of ms from `min` to MAX_TIMER_MS; anything else is OutboxError `outbox_options`.
 */
export const checkStoreMs = (name: string, value: unknown, min: number): void => {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_TIMER_MS)
    throw new OutboxError(
      'outbox_options',
      `${name} must be a whole number of ms from ${min} to ${MAX_TIMER_MS}, got ${shown(value)}`,
    );
};
