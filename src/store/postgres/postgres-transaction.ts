import type pg from 'pg';
import type { StoreTx } from '../store.js';
import { commitOrUnknown, rollback } from './connection.js';
import type { PipelinedConnection } from './pipeline.js';
import type { PostgresTx } from './postgres-tx.js';
import { LOCK_KEYS } from './statements.js';

/**
 * Runs `fn` in a transaction on a checked-out connection (PostgresStore.transaction), then releases the
 * connection. BEGIN and the lock keys' advisory locks are one round trip, held before `fn` runs (with
 * `lazy`, TransactionOptions.lockWithFirstStatement: sent with `fn`'s first statements); the writes
 * `fn` deferred travel with COMMIT (pipeline.ts). `committed` is told after the commit of a
 * transaction that appended ledger entries (the feed's sequencer, and the feed's memory of the rows it
 * appended: only once COMMIT succeeded, never for a transaction that rolled back).
 */
export async function runTransaction<T>(
  client: pg.PoolClient,
  connection: PipelinedConnection,
  tx: PostgresTx,
  locks: { readonly lockKeys: readonly string[]; readonly lazy: boolean },
  fn: (tx: StoreTx) => Promise<T>,
  committed: () => void,
): Promise<T> {
  // A checked-out connection that fails emits 'error'; the failing query reports it, and the
  // connection is destroyed on release below.
  const ignore = () => {};
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    connection.defer('BEGIN', []);
    const keys = [...new Set(locks.lockKeys)];
    if (keys.length > 0 && locks.lazy) connection.defer(LOCK_KEYS, [keys]);
    else if (keys.length > 0) await connection.query(LOCK_KEYS, [keys]);
    const result = await fn(tx);
    tx.end();
    // A statement failed and `fn` went on (it caught the error): the transaction rolls back.
    if (connection.failure !== undefined) throw connection.failure;
    const commit = await commitOrUnknown(connection);
    // COMMIT of a transaction in which a statement failed (an error the caller swallowed, or a
    // deferred write's) rolls back.
    if (commit.command !== 'COMMIT')
      throw connection.failure ?? new Error('The transaction was rolled back: a statement failed.');
    if (tx.commitMark() !== null) committed();
    return result;
  } catch (error) {
    tx.end();
    // Statements asked for but not sent yet never run (nor after the ROLLBACK, outside the transaction).
    connection.close();
    broken = await rollback(client, error);
    throw error;
  } finally {
    client.removeListener('error', ignore);
    client.release(broken);
  }
}
