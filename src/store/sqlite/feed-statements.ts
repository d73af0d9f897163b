import type Database from 'better-sqlite3';
import type { FeedRowText } from '../ledger-codec.js';

/*
 * The change feed's statements on SQLite. One transaction commits at a time, so a ledger entry's seq
 * is its feed position; fed_at is NULL for entries older than the feed, whose recorded_at stands in.
 */

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

const FEED_COLUMNS = `seq, environment_id, partition_id, family, event_id, body_hash, kind, recorded_at, request,
  outcome, changes, reference, client_id, format, seq AS position, coalesce(fed_at, recorded_at) AS fed_at`;

export interface FeedStatements {
  /** (env, after, limit) → entries in position order. */
  readonly read: Stmt<[string, number, number], FeedRowText>;
  readonly head: Stmt<[], { head: bigint | null }>;
  /** (env, seq) → the first entry of the environment at or after seq, with its feed time. */
  readonly firstFrom: Stmt<[string, number], { seq: bigint; fed_at: string }>;
  /** (env, follower) → its position. */
  readonly follower: Stmt<[string, string], { position: bigint }>;
}

export function prepareFeedStatements(db: Database.Database): FeedStatements {
  return {
    read: db.prepare(
      `SELECT ${FEED_COLUMNS} FROM ledger WHERE environment_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    head: db.prepare('SELECT max(seq) AS head FROM ledger'),
    firstFrom: db.prepare(
      `SELECT seq, coalesce(fed_at, recorded_at) AS fed_at FROM ledger
       WHERE environment_id = ? AND seq >= ? ORDER BY seq LIMIT 1`,
    ),
    follower: db.prepare('SELECT position FROM feed_followers WHERE environment_id = ? AND follower_id = ?'),
  };
}

/** (name, owner, until, now) → the generation when `owner` holds the lease afterwards, else no row. */
export const ACQUIRE_LEASE = `INSERT INTO feed_leases (name, owner, until, generation) VALUES (@name, @owner, @until, 1)
  ON CONFLICT (name) DO UPDATE SET
    generation = CASE WHEN feed_leases.owner = excluded.owner THEN feed_leases.generation ELSE feed_leases.generation + 1 END,
    owner = excluded.owner, until = excluded.until
  WHERE feed_leases.owner = excluded.owner OR feed_leases.until <= @now
  RETURNING generation`;

/** (env, follower, position, updatedAt): moves a follower forward, never back. */
export const SAVE_FOLLOWER = `INSERT INTO feed_followers (environment_id, follower_id, position, updated_at)
  VALUES (?, ?, ?, ?) ON CONFLICT (environment_id, follower_id) DO UPDATE
  SET position = excluded.position, updated_at = excluded.updated_at WHERE excluded.position > position`;
