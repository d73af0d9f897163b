/*
 * The change feed's SQL on PostgreSQL (schema.ts, migration 5). A commit's entries are the ledger rows of
 * the environment with its commit id, between its first and last seq (old entries: commit id = seq); an
 * entry's position is its commit's position plus its rank by seq within the commit, minus one.
 */

/** The ledger columns of a feed entry (ledger alias l, commit alias c). */
const ENTRY_COLUMNS = `l.seq, l.environment_id, l.partition_id, l.family, l.event_id, l.body_hash, l.kind,
  l.recorded_at, l.request, l.outcome, l.changes, l.reference, l.client_id, l.format, c.fed_at`;

/**
 * The ledger rows of the commits in `c`. On Citus a commit row stands for the commit's entries in its
 * partition only (one row per partition, co-located with them), except rows written before the tables
 * were distributed (partition '*', citus-layout.ts); elsewhere for all of them (partition '').
 */
const commitEntries = (citus: boolean) => `ledger l ON l.environment_id = c.environment_id
  AND l.seq BETWEEN c.first_seq AND c.last_seq AND coalesce(l.commit_id, l.seq) = c.commit_id${
    citus ? " AND (l.partition_id = c.partition_id OR c.partition_id = '*')" : ''
  }`;

/**
 * (env, after, limit) → entries in position order. The commit rows read are those ending after `after`
 * (the first of them may start before it); `limit` commit rows hold at least `limit` entries. Only as many
 * of them as the limit needs are joined with the ledger, counted by their positions after `after`: a
 * commit row's entries hold the consecutive positions [position, last_position] (the sequencer gives
 * each row its entries' worth from the head on, stamp-round.ts), whether it covers all of its
 * environment's entries in the commit (plain PostgreSQL, and '*' rows on Citus) or one partition's
 * (Citus). Without that a page of `limit` entries read every row of `limit` commit rows, and a reader
 * far behind large commits (bulk requests) read up to a few hundred thousand rows per page.
 * feed-read.ts picks the same commits when it reads from memory (plain PostgreSQL).
 *
 * On Citus the commit rows are gathered, cut and summed on the coordinator (intermediate results), then
 * joined on every ledger shard, and the joined rows numbered and cut to the page on the coordinator. A
 * worker plans that join without knowing how few commit rows it gets: it hashed them and scanned its
 * whole ledger shard, so every page read the whole ledger. The join there is also bounded by the
 * environment and the seq range of the commit rows read (parameters of the shard's plan, which then
 * reads that range through an index): a page visits the environment's ledger rows of that range only,
 * its commits' rows of other partitions included (test/citus/feed-page.test.ts, docs/benchmarks.md "Citus feed page reads,
 * 2026-12-05").
 */
export const readFeedSql = (citus: boolean) => (citus ? citusReadFeed() : readFeed());

const readFeed = () => `SELECT * FROM (
    SELECT ${ENTRY_COLUMNS},
      c.position + row_number() OVER (PARTITION BY c.commit_id, c.partition_id ORDER BY l.seq) - 1 AS position
    FROM (${NEEDED_COMMITS_AFTER}) c JOIN ${commitEntries(false)}
  ) e WHERE e.position > $2 ORDER BY e.position LIMIT $3`;

const citusReadFeed = () => `WITH c AS MATERIALIZED (${NEEDED_COMMITS_AFTER})
  SELECT * FROM (
    SELECT ${ENTRY_COLUMNS},
      c.position + row_number() OVER (PARTITION BY c.commit_id, c.partition_id ORDER BY l.seq) - 1 AS position
    FROM c JOIN ${commitEntries(true)} AND l.environment_id = $1
      AND l.seq BETWEEN (SELECT min(first_seq) FROM c) AND (SELECT max(last_seq) FROM c)
  ) e WHERE e.position > $2 ORDER BY e.position LIMIT $3`;

/** ($1 env, $2 after, $3 limit) → the first `limit` stamped commit rows ending after `after`. */
const COMMITS_AFTER = `SELECT * FROM feed_commits
      WHERE environment_id = $1 AND position IS NOT NULL AND last_position > $2
      ORDER BY last_position LIMIT $3`;

/** COMMITS_AFTER cut to the commits the limit needs: those with fewer than `limit` entries before them. */
const NEEDED_COMMITS_AFTER = `SELECT * FROM (
        SELECT *, sum(last_position - greatest(position - 1, $2)) OVER (ORDER BY last_position) AS upto
        FROM (${COMMITS_AFTER}) a
      ) n WHERE upto - (last_position - greatest(position - 1, $2)) < $3`;

/**
 * (env, seqs) → the position of each of those entries whose commit is stamped. On Citus the entry is
 * ranked within its commit row (one per partition), whose rows are read first as in
 * unstampedChangesSql.
 */
export const positionsOfSql = (citus: boolean) => (citus ? CITUS_POSITIONS_OF : POSITIONS_OF);

const CITUS_POSITIONS_OF = `WITH c AS MATERIALIZED (
    SELECT * FROM feed_commits WHERE environment_id = $1 AND position IS NOT NULL AND commit_id IN (
      SELECT coalesce(commit_id, seq) FROM ledger WHERE environment_id = $1 AND seq = ANY($2::bigint[])))
  SELECT seq, position FROM (
    SELECT l.seq, c.position + row_number() OVER (PARTITION BY c.commit_id, c.partition_id ORDER BY l.seq) - 1
      AS position
    FROM c JOIN ${commitEntries(true)}
  ) e WHERE e.seq = ANY($2::bigint[])`;

const POSITIONS_OF = `SELECT l.seq, c.position + (
      SELECT count(*) FROM ledger o WHERE o.environment_id = l.environment_id
        AND o.seq BETWEEN c.first_seq AND l.seq AND coalesce(o.commit_id, o.seq) = c.commit_id
    ) - 1 AS position
  FROM ledger l JOIN feed_commits c
    ON c.environment_id = l.environment_id AND c.commit_id = coalesce(l.commit_id, l.seq)
  WHERE l.environment_id = $1 AND l.seq = ANY($2::bigint[]) AND c.position IS NOT NULL`;

export const HEAD = 'SELECT position, fed_at FROM feed_state WHERE id = 1';

/** (env, time) → the last position fed at or before the time. */
export const POSITION_AT = `SELECT last_position FROM feed_commits
  WHERE environment_id = $1 AND position IS NOT NULL AND fed_at <= $2
  ORDER BY fed_at DESC, last_position DESC LIMIT 1`;

/**
 * The settle check (settler.ts), in one statement's snapshot: the commit id sequence's value (read after
 * the snapshot was taken, so at least the commit id of every commit the snapshot sees), the oldest
 * visible commit still without a position, and the head. On Citus the head it reads can be older than
 * the stamps it sees: settler.ts reads it again after.
 */
export const SETTLE_CHECK = `SELECT (SELECT last_value FROM ledger_seq) AS mark,
  (SELECT min(commit_id) FROM feed_commits WHERE position IS NULL) AS oldest,
  (SELECT position FROM feed_state WHERE id = 1) AS head`;

/**
 * (limit) → committed commit rows still without a position, oldest commit id first (the rows of one
 * commit on Citus, one per partition, by partition).
 */
export const UNSTAMPED = `SELECT environment_id, partition_id, commit_id, entries FROM feed_commits
  WHERE position IS NULL ORDER BY commit_id, partition_id, environment_id LIMIT $1`;

/** Taken first in a stamping transaction: the head, locked until the stamping commits. */
export const LOCK_HEAD = 'SELECT position, fed_at FROM feed_state WHERE id = 1 FOR UPDATE';

/**
 * A stamping round in one statement (plain PostgreSQL, after LOCK_HEAD in the same transaction): the
 * oldest `round` unstamped commit rows get consecutive positions from the head on (each its entries'
 * worth), the head advances past them and the feed channel is notified with it; answers the number of
 * commit rows stamped. The order is total (one commit may hold rows of several environments with the same
 * partition id) and the running sum counts rows, not peers, so no two rows share a position. `fedAt` is an escaped literal: the stamping time, never before the head's.
 */
export const stampInOneSql = (round: number, fedAt: string) => `WITH c AS (
    SELECT environment_id, partition_id, commit_id, entries,
      sum(entries) OVER (ORDER BY commit_id, partition_id, environment_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - entries AS before
    FROM (SELECT environment_id, partition_id, commit_id, entries FROM feed_commits
      WHERE position IS NULL ORDER BY commit_id, partition_id, environment_id LIMIT ${Math.trunc(round)}) u
  ), h AS (
    SELECT position AS base, greatest(fed_at, ${fedAt}) AS fed_at FROM feed_state WHERE id = 1
  ), t AS (
    SELECT count(*) AS commits, coalesce(sum(entries), 0) AS total FROM c
  ), s AS (
    UPDATE feed_commits f SET position = h.base + 1 + c.before, last_position = h.base + c.before + f.entries,
      fed_at = h.fed_at
    FROM c, h
    WHERE f.environment_id = c.environment_id AND f.partition_id = c.partition_id AND f.commit_id = c.commit_id
    RETURNING 1
  ), a AS (
    UPDATE feed_state SET position = h.base + t.total, fed_at = h.fed_at FROM h, t
    WHERE feed_state.id = 1 AND t.commits > 0
    RETURNING feed_state.position
  )
  SELECT (SELECT count(*) FROM s) AS stamped,
    (SELECT pg_notify('${FEED_CHANNEL}', position::text) FROM a) IS NULL AS notified`;

/** (envs, partitions, commit ids, positions, fedAt) → stamps the commit rows. */
export const STAMP = `UPDATE feed_commits f SET position = u.position, last_position = u.position + f.entries - 1,
    fed_at = $5
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS u(environment_id, partition_id, commit_id,
    position)
  WHERE f.environment_id = u.environment_id AND f.partition_id = u.partition_id AND f.commit_id = u.commit_id`;

/** (position, fedAt). */
export const ADVANCE_HEAD = 'UPDATE feed_state SET position = $1, fed_at = $2 WHERE id = 1';

/** (env) → the changes of the environment's committed entries that have no position yet (a snapshot's view). */
export const unstampedChangesSql = (citus: boolean) =>
  citus
    ? // The commit rows first, as an intermediate result Citus joins on every shard: a commit row marked
      // '*' joins entries of any partition, which Citus would not join shard by shard.
      `WITH c AS MATERIALIZED (SELECT * FROM feed_commits WHERE environment_id = $1 AND position IS NULL)
      SELECT l.partition_id, l.changes, l.request, l.format FROM c JOIN ${commitEntries(true)}`
    : `SELECT l.partition_id, l.changes, l.request, l.format FROM feed_commits c JOIN ${commitEntries(false)}
      WHERE c.environment_id = $1 AND c.position IS NULL`;

/** Who stamps positions: a session-level advisory lock, held by one process at a time (two-int form). */
/**
 * The sequencer's lease: a session advisory lock keyed by the schema the tables live in, so that
 * deployments (or test schemas) in different schemas of one database each have their own sequencer.
 */
export const TRY_LEASE =
  "SELECT pg_try_advisory_lock(1869506660, hashtext('onhand feed sequencer ' || current_schema())) AS held";

/** Channels: new positions (payload: the head), and commits waiting to be stamped. */
export const FEED_CHANNEL = 'onhand_feed';
export const COMMIT_CHANNEL = 'onhand_commit';

/** (name, owner, until, now) → the generation when `owner` holds the lease afterwards, else no row. */
export const ACQUIRE_LEASE = `INSERT INTO feed_leases (name, owner, until, generation) VALUES ($1, $2, $3, 1)
  ON CONFLICT (name) DO UPDATE SET
    generation = CASE WHEN feed_leases.owner = excluded.owner THEN feed_leases.generation ELSE feed_leases.generation + 1 END,
    owner = excluded.owner, until = excluded.until
  WHERE feed_leases.owner = excluded.owner OR feed_leases.until <= $4
  RETURNING generation`;

/** (env, follower) → its position. */
export const FOLLOWER = 'SELECT position FROM feed_followers WHERE environment_id = $1 AND follower_id = $2';

/** (env, follower, position, updatedAt): moves a follower forward, never back. */
export const SAVE_FOLLOWER = `INSERT INTO feed_followers (environment_id, follower_id, position, updated_at)
  VALUES ($1, $2, $3, $4) ON CONFLICT (environment_id, follower_id) DO UPDATE
  SET position = excluded.position, updated_at = excluded.updated_at
  WHERE feed_followers.position < excluded.position`;

/**
 * (env, after, limit) → the commit rows readFeedSql reads on plain PostgreSQL, in the same order: the
 * first step of a read that takes the entries of the process's own commits from memory (feed-read.ts).
 */
export const COMMIT_PAGE = `SELECT commit_id, position, last_position, first_seq, last_seq, entries, fed_at
  FROM feed_commits WHERE environment_id = $1 AND position IS NOT NULL AND last_position > $2
  ORDER BY last_position LIMIT $3`;

/** (env, commit ids, first seqs, last seqs) → the ledger rows of those commits (plain PostgreSQL), by seq. */
export const COMMIT_ENTRIES = `SELECT l.seq, l.environment_id, l.partition_id, l.family, l.event_id, l.body_hash,
    l.kind, l.recorded_at, l.request, l.outcome, l.changes, l.reference, l.client_id, l.format, c.commit_id
  FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS c(commit_id, first_seq, last_seq)
  JOIN ledger l ON l.environment_id = $1 AND l.seq BETWEEN c.first_seq AND c.last_seq
    AND coalesce(l.commit_id, l.seq) = c.commit_id
  ORDER BY l.seq`;

/**
 * (env, commit ids, first seqs, last seqs) → what a span sum needs of those commits' ledger rows (plain
 * PostgreSQL, span-sum-read.ts): the partition and the texts the changes decode from, by seq.
 */
export const COMMIT_CHANGES = `SELECT l.seq, l.partition_id, l.request, l.changes, l.format, c.commit_id
  FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS c(commit_id, first_seq, last_seq)
  JOIN ledger l ON l.environment_id = $1 AND l.seq BETWEEN c.first_seq AND c.last_seq
    AND coalesce(l.commit_id, l.seq) = c.commit_id
  ORDER BY l.seq`;
