import pg from 'pg';
import { CommitOutcomeUnknown, classifyStoreError, isStalePrepared } from '../store-errors.js';

/** Options of PostgresStore.connect. */
export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (any libpq-style URL that `pg` accepts). */
  readonly connectionString: string;
  /** Most connections the store opens (default 10). A transaction holds one until it ends. */
  readonly poolSize?: number;
  /**
   * Longest a statement may run, in ms (default 30000), waiting for a lock key included: a transaction
   * that cannot take its lock keys within this time rejects.
   */
  readonly statementTimeoutMs?: number;
  /** Shown in pg_stat_activity (default "onhand"). */
  readonly applicationName?: string;
  /** The service's notion of now, for the feed times of stamped entries (default: the system clock). */
  readonly clock?: () => Date;
  /**
   * Told each notice the server sends on the store's pooled connections, with its detail (diagnostics;
   * the Citus tests read citus.log_remote_commands this way).
   */
  readonly onNotice?: (message: string, detail: string) => void;
  /**
   * Bounds of the ledger rows of its own last commits the feed keeps to answer reads from memory
   * (feed/committed-commits.ts; default 16384 rows, 8 Mi characters of their texts). Tests set small ones.
   */
  readonly feedMemory?: { readonly rows: number; readonly chars: number };
}

const INT8 = 20;
const JSON_OID = 114;
const JSONB_OID = 3802;
const raw = (value: string): string => value;

/**
 * Type parsing of this store's connections only (pg.types, the global registry, is left alone): int8
 * and json columns come back as text, converted by the mapping files (bigint quantities stay exact,
 * JSON is parsed in one place).
 */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === JSON_OID || oid === JSONB_OID
      ? raw
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Turns synchronous commit back on when the server default turned it off (stronger settings are kept). */
export const SYNCHRONOUS_COMMIT =
  "SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = 'off'";

/**
 * Opens the pool. Every connection gets the statement timeout at startup and, when the server default
 * turns synchronous commit off, switches it back on (design.md rule 3: a resolved transaction is
 * durable); stronger settings chosen by the operator (remote_apply …) are kept.
 */
export function createPool(options: PostgresStoreOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    application_name: options.applicationName ?? 'onhand',
    keepAlive: true,
    types: pgTypes,
    onConnect: async (client) => {
      const { onNotice } = options;
      if (onNotice) client.on('notice', (notice) => onNotice(notice.message ?? '', notice.detail ?? ''));
      await client.query(SYNCHRONOUS_COMMIT);
    },
  });
  // An idle connection that fails (server restart, network) is dropped by the pool; without a listener
  // the error would crash the process. The next query opens a fresh connection.
  pool.on('error', () => {});
  // The same for a checked-out connection that fails between two queries (the database terminated it
  // while its holder awaited something else, e.g. a snapshot writing a page to a slow client, or a
  // webhook transaction): its holder's next query fails with the error, and the connection is
  // destroyed on release. Without a listener the process would crash (found by the soak, docs/reliability.md).
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * True when `error` means the connection itself is unusable (lost, terminated by the server), so the
 * client must be destroyed rather than returned to the pool.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || CONNECTION_CODES.has(code))) return true;
  return /Connection terminated|not queryable|connection error/i.test(error.message);
}

/**
 * Rolls back after `error`; returns an error when the connection must be destroyed rather than
 * reused: it is broken, or the rollback failed. The caller's error is what it rethrows.
 */
export async function rollback(client: pg.PoolClient, error: unknown): Promise<Error | undefined> {
  if (isConnectionError(error)) return error as Error;
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (failed) {
    return failed instanceof Error ? failed : new Error('ROLLBACK failed');
  }
}

/**
 * Runs COMMIT; when the connection fails meanwhile, the transaction may or may not have committed:
 * that is thrown as CommitOutcomeUnknown, never as "nothing was written". An error PostgreSQL answers
 * (the connection still up) means it did not commit, and is thrown as it is.
 */
export async function commitOrUnknown(client: Pick<pg.PoolClient, 'query'>): Promise<pg.QueryResult> {
  try {
    return await client.query('COMMIT');
  } catch (error) {
    // A stale named statement (a deferred write's, failing in COMMIT's pipeline) is the server's
    // answer before COMMIT ran: rolled back, not unknown.
    if (classifyStoreError(error) === 'unavailable' && !isStalePrepared(error))
      throw new CommitOutcomeUnknown(error);
    throw error;
  }
}
