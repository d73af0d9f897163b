import pg from 'pg';
import type { FeedRecord } from '../../feed-store.js';
import { type FeedRowText, toFeedRecord } from '../../ledger-codec.js';
import { rollback } from '../connection.js';
import { readFeedSql } from '../feed/feed-statements.js';

/*
 * The change feed's reads on Citus. Each worker keeps its own snapshot (taken at the first statement
 * sent to it), and the sequencer stamps positions on every worker in one two-phase commit, which
 * becomes visible on each node at its own moment. A read while that commit is finishing could see the
 * positions stamped on one worker and not those stamped on another: a follower would step over the
 * missing ones for good, and a snapshot's head would disagree with the rows it backs out.
 *
 * LOCK TABLE on the reference table feed_state, which Citus sends to every node, waits for a stamping
 * in flight to commit everywhere and keeps the sequencer from stamping until the read ends (it waits;
 * writes do not). A snapshot also reads each worker on one connection, so each worker's reads share
 * one snapshot (REPEATABLE READ): then its head and every worker's rows agree, as in one PostgreSQL
 * snapshot, exactly the entries up to the head with the unstamped ones backed out (unstamped-deltas.ts).
 */

/** Taken first in a feed read's transaction. */
export const CITUS_FEED_FENCE = 'LOCK TABLE feed_state IN SHARE MODE';

/**
 * Set first in a snapshot's REPEATABLE READ transaction: one connection per worker, so that each
 * worker's reads share one snapshot. The fence itself is held by holdSnapshotFence, on another
 * connection, from before that transaction begins.
 */
export const CITUS_SNAPSHOT_SETTINGS = 'SET LOCAL citus.max_adaptive_executor_pool_size = 1';

/**
 * Takes the feed fence on a connection of its own and holds it until the returned function is called.
 * Citus opens a worker's part of a transaction with a statement of its own, which fixes a REPEATABLE
 * READ snapshot there before a LOCK sent in that transaction could wait: a stamping committing at that
 * moment would be missing from the worker's snapshot and present in the head. Held from before the
 * snapshot's transaction begins, the fence has waited for any stamping in flight to commit on every
 * node, and keeps the next one off until the snapshot ends. Not a pooled connection: a snapshot holding
 * one pooled connection while it waits for a second could exhaust the pool. The snapshot's transaction
 * must not ask for the lock itself: queued behind a waiting sequencer, it would wait for the fence that
 * waits for it.
 */
export async function holdSnapshotFence(pool: pg.Pool): Promise<() => Promise<void>> {
  // Configured as the pool's connections are (its options and its onConnect: notices, settings).
  const client = new pg.Client(pool.options);
  client.on('error', () => {});
  try {
    await client.connect();
    await pool.options.onConnect?.(client);
    await client.query('BEGIN READ ONLY');
    await client.query(CITUS_FEED_FENCE);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return async () => {
    try {
      await client.query('COMMIT');
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}

/** PostgresFeed.read on Citus: (env, after, limit) behind the fence. */
export async function readFeedOnCitus(pool: pg.Pool, params: readonly unknown[]): Promise<FeedRecord[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(CITUS_FEED_FENCE);
    const result = await client.query<FeedRowText>(readFeedSql(true), [...params]);
    await client.query('COMMIT');
    return result.rows.map(toFeedRecord);
  } catch (error) {
    broken = await rollback(client, error);
    throw error;
  } finally {
    client.release(broken);
  }
}
