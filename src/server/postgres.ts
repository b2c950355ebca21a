// clicktrail/server/postgres: the PostgreSQL outbox (pg, an optional peer), for several instances on one outbox.
export {
  type PgPool,
  type PgPoolClient,
  type PgResult,
  type PostgresOutboxOptions,
  postgresOutbox,
} from './outbox/postgres';
