// clicktrail/server/sqlite: the SQLite outbox (better-sqlite3, an optional peer, or node:sqlite). Node only.
export {
  type SqliteDatabase,
  type SqliteOutboxOptions,
  type SqliteStatement,
  sqliteOutbox,
} from './outbox/sqlite';
