/**
 * What a database error means for a client, whatever the backend: `timeout` (a statement or a lock
 * wait took longer than allowed; retry later), `unavailable` (the database cannot be reached or the
 * connection was lost; nothing of the transaction was written; retry later), or undefined for
 * anything else. Knowledge of driver error codes stays here, in store/.
 */
export function classifyStoreError(error: unknown): 'timeout' | 'unavailable' | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === '57014' || code === 'SQLITE_BUSY') return 'timeout';
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_CODES.has(code)))
    return 'unavailable';
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
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
]);
