import type pg from 'pg';
import { ADVANCE_HEAD, FEED_CHANNEL, LOCK_HEAD, STAMP, stampInOneSql, UNSTAMPED } from './feed-statements.js';

/** Commits stamped per round. */
export const ROUND = 2000;

/** What a stamping round did. */
export interface StampResult {
  /** Commit rows stamped (0: nothing was waiting). */
  readonly stamped: number;
  /** True when the round was full: more commits may wait. */
  readonly full: boolean;
}

/**
 * One stamping transaction: locks feed_state (so two stampers could never interleave even without the
 * lease), gives the oldest unstamped commits consecutive positions, advances the head and NOTIFYs.
 *
 * On PostgreSQL the whole transaction is one round trip: BEGIN, the lock, one statement that stamps,
 * advances the head and notifies (feed-statements.ts, stampInOneSql), and COMMIT, sent together as one
 * simple query. Each statement after the lock takes its own snapshot, so it sees every commit the lock
 * waited for, as the separate statements did. On Citus the statements go one by one (the stamping
 * commits worker by worker there, and the one-statement form's CTEs would be planned across nodes).
 */
export async function stampRound(client: pg.Client, clock: () => Date, citus: boolean): Promise<StampResult> {
  return citus ? stampStepByStep(client, clock) : stampInOne(client, clock);
}

async function stampInOne(client: pg.Client, clock: () => Date): Promise<StampResult> {
  const now = client.escapeLiteral(clock().toISOString());
  let results: pg.QueryResult[];
  try {
    // Without parameters node-postgres sends the text as one simple query; several statements answer an array.
    const text = `BEGIN; ${LOCK_HEAD}; ${stampInOneSql(ROUND, now)}; COMMIT`;
    results = (await client.query(text)) as unknown as pg.QueryResult[];
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
  const row = results[2]?.rows[0] as { stamped: string | number } | undefined;
  const stamped = Number(row?.stamped ?? 0);
  return { stamped, full: stamped === ROUND };
}

async function stampStepByStep(client: pg.Client, clock: () => Date): Promise<StampResult> {
  await client.query('BEGIN');
  try {
    const head = await client.query<{ position: string; fed_at: string }>(LOCK_HEAD);
    const commits = await client.query<{
      environment_id: string;
      partition_id: string;
      commit_id: string;
      entries: number;
    }>(UNSTAMPED, [ROUND]);
    if (commits.rows.length === 0) {
      await client.query('COMMIT');
      return { stamped: 0, full: false };
    }
    const now = clock().toISOString();
    const last = head.rows[0]?.fed_at ?? '';
    const fedAt = now > last ? now : last;
    let next = BigInt(head.rows[0]?.position ?? '0') + 1n;
    const positions: string[] = [];
    for (const commit of commits.rows) {
      positions.push(next.toString());
      next += BigInt(commit.entries);
    }
    const headPosition = (next - 1n).toString();
    await client.query(STAMP, [
      commits.rows.map((c) => c.environment_id),
      commits.rows.map((c) => c.partition_id),
      commits.rows.map((c) => c.commit_id),
      positions,
      fedAt,
    ]);
    await client.query(ADVANCE_HEAD, [headPosition, fedAt]);
    await client.query(`SELECT pg_notify('${FEED_CHANNEL}', $1)`, [headPosition]);
    await client.query('COMMIT');
    return { stamped: commits.rows.length, full: commits.rows.length === ROUND };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
