/** A running throwaway cluster. */
export interface Postgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, 127.0.0.1 only). */
  url: string;
  port: number;
  /** The cluster's directory (data, socket, log); deleted by stop(). */
  dir: string;
  /** Stops the server (immediate mode) and deletes its directory; also done when the process exits. */
  stop(): void;
}
/** Where initdb and pg_ctl are, or undefined. */
export declare const findPostgresBin: () => string | undefined;
/** Starts a cluster; `fast` (default true) turns fsync off. Rejects with the reason it cannot. */
export declare const startPostgres: (options?: { fast?: boolean }) => Promise<Postgres>;
/** Creates a database and resolves to its connection string. */
export declare const createDatabase: (url: string, name: string) => Promise<string>;
