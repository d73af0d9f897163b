import type Database from 'better-sqlite3';

/** What the stores beside SqliteStore (products, jobs, adjustments) need from SqliteStore. */
export interface SqliteSideDeps {
  /** The query-only reader connection (committed data only). */
  readonly reader: () => Database.Database;
  /** Runs a write on the writer connection, queued behind open transactions; resolves with its result. */
  readonly write: <T>(task: (db: Database.Database) => T) => Promise<T>;
}
