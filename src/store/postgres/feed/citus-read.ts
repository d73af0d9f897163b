import type pg from 'pg';
import type { FeedRowText } from '../../ledger-codec.js';
import { CITUS_FIRST_GAP, CITUS_READ_BOUND, readFeedSql } from './feed-statements.js';

/** How long a read waits, in all, for a stamping transaction still committing on some worker. */
const GAP_WAITS_MS = [2, 5, 10, 20, 40, 80];

/**
 * A page of the feed on Citus, read only up to the first position not yet visible.
 *
 * Why: the sequencer's stamping transaction touches commit rows on several workers and the head in a
 * reference table, so Citus commits it by two-phase commit, node after node, and keeps no snapshot
 * across nodes. While it commits, a read can see a stamp on one worker and not yet another one on
 * another worker: read naively, a follower would take a later position of its environment, move its
 * cursor past the one still invisible and never read it.
 *
 * How: positions are dense (every stamped position belongs to exactly one commit row, of some
 * environment, and commit rows are never deleted), so a first statement checks that the commit rows of
 * every environment cover every position between the cursor and the end of the page; a second,
 * sent after it, reads the entries up to there. Once a worker shows a stamp it shows it to every later
 * statement, so the second one sees every entry of the environment the first one found covered. When a
 * position is missing, the read waits a little for the commit to finish (a few milliseconds), and
 * after that answers up to the position before it: the rest comes with the next read.
 */
export async function readCitusFeed(
  pool: pg.Pool,
  environmentId: string,
  after: number,
  limit: number,
): Promise<FeedRowText[]> {
  for (let attempt = 0; ; attempt++) {
    const cap = await visibleUpTo(pool, environmentId, after, limit);
    if (cap === undefined) return [];
    const wait = GAP_WAITS_MS[attempt];
    if (cap.complete || wait === undefined) {
      if (cap.position <= after) return [];
      const result = await pool.query<FeedRowText>(readFeedSql(true), [
        environmentId,
        after,
        limit,
        cap.position,
      ]);
      return result.rows;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/**
 * The last position up to which the page after `after` can be read (undefined: the environment has
 * nothing stamped after it), and whether that is the page's whole end.
 */
async function visibleUpTo(
  pool: pg.Pool,
  environmentId: string,
  after: number,
  limit: number,
): Promise<{ position: number; complete: boolean } | undefined> {
  const bound = await pool.query<{ upto: string | null; covered: string | null }>(CITUS_READ_BOUND, [
    environmentId,
    after,
    limit,
  ]);
  const upto = bound.rows[0]?.upto;
  if (upto == null) return undefined;
  const end = Number(upto);
  if (Number(bound.rows[0]?.covered ?? 0) === end - after) return { position: end, complete: true };
  // Not all covered: a stamp still committing, or only positions the sequence skipped before the feed.
  const gap = await pool.query<{ cap: string | null }>(CITUS_FIRST_GAP, [after, end]);
  const cap = gap.rows[0]?.cap;
  return cap == null ? { position: end, complete: true } : { position: Number(cap), complete: false };
}
