import Database from 'better-sqlite3';

/** Options of SqliteStore.open. */
export interface SqliteStoreOptions {
  /** Path of the database file; created when missing (its directory must exist). */
  readonly file: string;
  /** How long a statement waits for a lock held by another connection, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
  /** The service's notion of now, for the feed times of ledger entries (default: the system clock). */
  readonly clock?: () => Date;
}

/**
 * Opens the writer and the reader connection of one database file. The writer switches the file to
 * WAL and commits with `synchronous = FULL` (a commit is on disk when it returns); the reader is
 * query-only. Both return INTEGER columns as bigint (safe integers), so quantities stay exact.
 */
export function openConnections(options: SqliteStoreOptions): {
  writer: Database.Database;
  reader: Database.Database;
} {
  const busy = options.busyTimeoutMs ?? 5000;
  const writer = connect(options.file, busy);
  try {
    const mode = writer.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal')
      throw new Error(`SQLite could not switch ${options.file} to WAL mode (got ${String(mode)}).`);
    writer.pragma('synchronous = FULL');
    const reader = connect(options.file, busy);
    reader.pragma('query_only = ON');
    return { writer, reader };
  } catch (error) {
    writer.close();
    throw error;
  }
}

/** A further query-only connection to the file, e.g. for a long snapshot read of its own. */
export function openReadConnection(file: string, busyTimeoutMs = 5000): Database.Database {
  const db = connect(file, busyTimeoutMs);
  db.pragma('query_only = ON');
  return db;
}

function connect(file: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(file, { timeout: busyTimeoutMs });
  db.defaultSafeIntegers(true);
  return db;
}
