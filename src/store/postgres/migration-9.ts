import type { Migration } from './schema.js';

/**
 * Migration 9: the partition of a feed commit row. On plain PostgreSQL a transaction keeps one
 * feed_commits row per environment (partition_id ''); on Citus, where feed_commits is co-located with
 * the ledger by partition (citus/citus-layout.ts), a transaction records one row per environment and
 * partition it appended to, so the row lives in the same shard group as its entries.
 */
export const MIGRATION_9: Migration = {
  version: 9,
  sql: `ALTER TABLE feed_commits ADD COLUMN partition_id TEXT COLLATE "C" NOT NULL DEFAULT '';`,
};
