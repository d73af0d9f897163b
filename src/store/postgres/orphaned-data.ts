import type pg from 'pg';
import { ORPHANED_DATA_TABLES } from '../orphaned-data-tables.js';
import { commitOrUnknown, rollback } from './connection.js';

/*
 * Store.deleteOrphanedData on PostgreSQL and Citus: deletes every row under an environment id without
 * an environment record (../orphaned-data-tables.ts says which tables, and which are kept), with the
 * id's feed_commits rows (so that no process reads or sums its entries from memory: a read lists the
 * commits first), in one transaction. Positions already given to other commits stay as they are.
 *
 * Why the commit rows go last, after a lock on feed_state: the sequencer stamps commits in a transaction
 * that first locks the feed_state row (LOCK_HEAD) and then updates the unstamped feed_commits rows of
 * every environment, in the order its join meets them (the round's commits by commit id when it probes
 * a hashed feed_commits, as it does on a table of any size; the table's order with other plans), and
 * touches no other table. A DELETE of the environment's commit rows meets them in its own scan's order
 * (by bitmap: the order they lie in the table, which rows updated or inserted out of commit order
 * leave unlike the commit ids'). Two transactions locking the same rows in different orders deadlock:
 * PostgreSQL then aborts one of them, which may be the stamping round (test/store/postgres-orphan-race.test.ts
 * reproduces it). So the deletion takes the lock the sequencer takes
 * first, before it touches a commit row: `FOR SHARE` on the feed_state row waits for a round in flight
 * to commit and keeps the next one from starting until the deletion commits (another deletion is not
 * kept off). Neither can then wait for the other while holding what the other waits for: the other
 * tables, which the sequencer never touches, are deleted before the lock, so the sequencer waits only
 * as long as the deletion of the environment's commit rows (one per transaction of the import) and the
 * commit take. The same holds on Citus, whose sequencer (stamp-round.ts, step by step) takes LOCK_HEAD
 * first too.
 *
 * Atomicity: the record is looked up first and again before COMMIT; if it exists by then (an environment
 * created with the id meanwhile, which the import's documentation forbids), everything is rolled back
 * and the answer is false. Each statement is bound by the statement timeout.
 */

const RECORD = 'SELECT 1 FROM environments WHERE environment_id = $1';

const DELETES = ORPHANED_DATA_TABLES.map((table) => `DELETE FROM ${table} WHERE environment_id = $1`);

/** The sequencer's first lock (feed-statements.ts, LOCK_HEAD takes it FOR UPDATE). */
const FEED_FENCE = 'SELECT 1 FROM feed_state WHERE id = 1 FOR SHARE';

const DELETE_COMMITS = 'DELETE FROM feed_commits WHERE environment_id = $1';

/** True when the id had no environment record, and everything under it was deleted; false: nothing was. */
export async function deleteOrphanedData(pool: pg.Pool, environmentId: string): Promise<boolean> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const orphaned = async () => (await client.query(RECORD, [environmentId])).rowCount === 0;
    let deleted = await orphaned();
    if (deleted) {
      for (const statement of DELETES) await client.query(statement, [environmentId]);
      await client.query(FEED_FENCE);
      await client.query(DELETE_COMMITS, [environmentId]);
      deleted = await orphaned();
    }
    if (deleted) await commitOrUnknown(client);
    else await client.query('ROLLBACK');
    return deleted;
  } catch (error) {
    broken = await rollback(client, error);
    throw error;
  } finally {
    client.release(broken);
  }
}
