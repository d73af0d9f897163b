import { UPSERT_RESERVATIONS } from '../reservation-statements.js';
import { APPEND_LEDGER, FIND_EVENTS } from '../statements.js';

/*
 * The statements that differ on Citus (citus-layout.ts), where every unique key of a partition table
 * includes partition_id. The others are the same on both: those of a transaction name their partitions
 * with `partition_id = ANY($n)`, which Citus prunes to the partitions' shards.
 */

/** `base` with each [from, to] replaced; throws when a `from` is missing (the base statement changed). */
function derive(base: string, replacements: readonly [string, string][]): string {
  let sql = base;
  for (const [from, to] of replacements) {
    if (!sql.includes(from)) throw new Error(`Citus statement: "${from}" is no longer in its base statement`);
    sql = sql.replace(from, to);
  }
  return sql;
}

/** (env, family, event ids, partitions) → FIND_EVENTS among the events of those partitions. */
export const CITUS_FIND_EVENTS = `${FIND_EVENTS} AND partition_id = ANY($4::text[])`;

/** UPSERT_RESERVATIONS whose conflict target is the primary key (a reservation never changes partition). */
export const CITUS_UPSERT_RESERVATIONS = derive(UPSERT_RESERVATIONS, [
  [
    'ON CONFLICT (environment_id, reservation_id) DO UPDATE SET partition_id = excluded.partition_id,',
    'ON CONFLICT (environment_id, partition_id, reservation_id) DO UPDATE SET',
  ],
]);

/**
 * APPEND_LEDGER recording one feed_commits row per environment and partition of the transaction's
 * entries (each in the shard group of its entries), instead of one per environment.
 */
export const CITUS_APPEND_LEDGER = derive(APPEND_LEDGER, [
  ['RETURNING seq, environment_id', 'RETURNING seq, environment_id, partition_id'],
  [
    'INSERT INTO feed_commits (environment_id, commit_id, first_seq, last_seq, entries)\n    SELECT environment_id,',
    'INSERT INTO feed_commits (environment_id, partition_id, commit_id, first_seq, last_seq, entries)\n    SELECT environment_id, partition_id,',
  ],
  [
    'GROUP BY environment_id\n    ON CONFLICT (environment_id, commit_id)',
    'GROUP BY environment_id, partition_id\n    ON CONFLICT (environment_id, partition_id, commit_id)',
  ],
]);
