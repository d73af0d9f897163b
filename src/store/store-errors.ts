/**
 * The connection to the database was lost while COMMIT was in flight: the transaction may have
 * committed or not, and nobody can tell from here. A backend throws this instead of the driver's error
 * so that nobody answers "nothing was written" for it. Retrying the same events is safe: their ids make
 * them idempotent.
 */
export class CommitOutcomeUnknown extends Error {
  readonly code = 'ONHAND_COMMIT_OUTCOME_UNKNOWN';

  constructor(override readonly cause: unknown) {
    super(`The connection was lost during COMMIT: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'CommitOutcomeUnknown';
  }
}

/**
 * What a database error means for a client, whatever the backend: `timeout` (a statement or a lock
 * wait took longer than allowed; retry later), `unavailable` (the database cannot be reached or the
 * connection was lost before COMMIT; nothing of the transaction was written; retry later),
 * `outcome_unknown` (CommitOutcomeUnknown: lost during COMMIT), or undefined for anything else.
 * Knowledge of driver error codes stays here, in store/.
 */
export function classifyStoreError(
  error: unknown,
): 'timeout' | 'unavailable' | 'outcome_unknown' | undefined {
  if (error instanceof CommitOutcomeUnknown) return 'outcome_unknown';
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === '57014' || code === 'SQLITE_BUSY') return 'timeout';
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_CODES.has(code)))
    return 'unavailable';
  if (isStalePrepared(error)) return 'unavailable';
  return /Connection terminated|not queryable|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(
    error.message,
  )
    ? 'unavailable'
    : undefined;
}

const UNAVAILABLE_CODES = new Set([
  '57P01', // admin shutdown / terminated by pg_terminate_backend
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up)
  '53300', // too many connections (max_connections, or the role's CONNECTION LIMIT)
  '53100', // disk full: the statement failed, nothing of the transaction was written
  // A named statement went stale (isStalePrepared, below, for 0A000): normally run again by the group
  // commit; should it fail once more, the transaction still wrote nothing and a retry later prepares it
  // afresh.
  '26000',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
]);

/**
 * True when a transaction failed on a unique or primary key (PostgreSQL 23505, SQLite
 * SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY): another process committed the same key (an event id, a
 * reservation id) after this transaction had looked for it. Nothing of the transaction was written;
 * running it again sees the committed row.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && UNIQUE_VIOLATION_CODES.has(code);
}

const UNIQUE_VIOLATION_CODES = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * True when a transaction failed on a named prepared statement that went stale on its connection
 * (PostgreSQL 0A000 "cached plan must not change result type": a migration changed a column it
 * returns; 26000: the name was deallocated, as by DEALLOCATE ALL). Nothing of the transaction was
 * written, and the backend forgot the connection's names (postgres/pipeline.ts), so running the
 * transaction again prepares them afresh. Any other 0A000 ("feature not supported", such as a
 * statement Citus cannot run) is a fault of the statement: neither retried nor answered as a database
 * that is unavailable for a while.
 */
export function isStalePrepared(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code === '26000') return true;
  if (code !== '0A000') return false;
  // The routine that raised it (plancache.c) whatever the server's language, else the English message.
  const routine = (error as { routine?: unknown }).routine;
  return routine === 'RevalidateCachedQuery' || STALE_PLAN.test(error.message);
}

/** The message of PostgreSQL's 0A000 for a cached plan whose result type changed (English messages). */
const STALE_PLAN = /cached plan must not change result type/i;
