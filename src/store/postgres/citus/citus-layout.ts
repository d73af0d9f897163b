import type pg from 'pg';

/*
 * The layout of Onhand's tables on Citus (docs/operations.md, "Distributing the tables (Citus)").
 *
 * - The partition group, distributed by partition_id and co-located with stock: every row that belongs
 *   to a partition (stock, reservations, schedules, the ledger's entries, the feed's commit rows and
 *   checkpoint spans). A write to one partition and a query of one product at one place touch one shard
 *   group, on one worker, and commit without a two-phase commit.
 * - The environment group, distributed by environment_id: what belongs to an environment but to no
 *   partition (webhooks and their deliveries, feed followers, the product catalogue, adjustment
 *   lines, the Omnichannel Inventory tables).
 * - Reference tables (a copy on every node): the small configuration tables, the ledger's format row,
 *   and the feed's one-row state and leases.
 * - Left on the coordinator as plain tables: schema_migrations (which is why servers connect to the
 *   coordinator) and jobs, a queue across environments claimed with FOR UPDATE SKIP LOCKED, which Citus
 *   does not run on a distributed table (a few rows per hour: not worth a shard).
 *
 * Citus requires every unique index of a distributed table to include its distribution column, so the
 * indexes that did not are redefined before a table is distributed (once; a distributed table is left
 * as it is): event ids become unique per (environment, family, partition), reservation ids are looked
 * up through a plain index, and the ledger's and the feed commits' keys take the partition.
 */

export const PARTITION_TABLES = ['stock', 'reservations', 'schedule', 'ledger', 'feed_commits', 'feed_spans'];
export const ENVIRONMENT_TABLES = [
  'webhooks',
  'webhook_deliveries',
  'feed_followers',
  'products',
  'adjustment_lines',
  'oci_graphs',
  'oci_locations',
  'oci_groups',
  'oci_group_members',
  'oci_safety_stock',
  'oci_record_outcomes',
  'oci_segment_exclusions',
  'oci_imports',
  'oci_import_chunks',
  'oci_import_errors',
];
export const REFERENCE_TABLES = [
  'environments',
  'clients',
  'feed_state',
  'feed_leases',
  'feed_tickets',
  'ledger_format',
];

/** Index and key changes made before a table is distributed (each statement is idempotent). */
const BEFORE_DISTRIBUTING: Readonly<Record<string, string>> = {
  ledger: `
    CREATE INDEX IF NOT EXISTS ledger_by_seq ON ledger (environment_id, seq);
    ALTER TABLE ledger DROP CONSTRAINT IF EXISTS ledger_pkey;
    ALTER TABLE ledger ADD CONSTRAINT ledger_pkey PRIMARY KEY (environment_id, partition_id, seq);
    DROP INDEX IF EXISTS ledger_event_id;
    CREATE UNIQUE INDEX ledger_event_id ON ledger (environment_id, family, partition_id, event_id)
      WHERE event_id IS NOT NULL;`,
  reservations: `
    DROP INDEX IF EXISTS reservations_by_id;
    CREATE INDEX reservations_by_id ON reservations (environment_id, reservation_id);`,
  // Commit rows written before the tables were distributed stand for every entry of their commit: they
  // are marked '*' (a partition id always holds a '~'), which the feed's reads on Citus join as such.
  feed_commits: `
    UPDATE feed_commits SET partition_id = '*' WHERE partition_id = '';
    ALTER TABLE feed_commits DROP CONSTRAINT IF EXISTS feed_commits_pkey;
    ALTER TABLE feed_commits ADD CONSTRAINT feed_commits_pkey PRIMARY KEY (environment_id, partition_id, commit_id);`,
};

/** True when the database is distributed with Citus (its stock table is a distributed table). */
export async function isDistributed(db: pg.Pool | pg.ClientBase): Promise<boolean> {
  // pg_dist_partition exists only where the citus extension does: a statement naming it fails elsewhere.
  const citus = await db.query<{ citus: boolean }>(
    "SELECT to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL AS citus",
  );
  if (citus.rows[0]?.citus !== true) return false;
  const result = await db.query("SELECT 1 FROM pg_dist_partition WHERE logicalrelid = to_regclass('stock')");
  return (result.rowCount ?? 0) > 0;
}

/** Options of distributeTables. */
export interface DistributeOptions {
  /** Shards per distributed table (default: the server's citus.shard_count, 32 unless changed). */
  readonly shardCount?: number;
}

/**
 * Distributes every table of the layout that is not distributed yet (a fresh database, an existing
 * one, or tables added by later migrations), each in its own transaction. Idempotent. Needs the citus
 * extension in the database and the workers registered; runs on the coordinator.
 */
export async function distributeTables(pool: pg.Pool, options: DistributeOptions = {}): Promise<string[]> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    return await distributeOn(client, options);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(failure);
  }
}

async function distributeOn(client: pg.ClientBase, options: DistributeOptions): Promise<string[]> {
  const extension = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
  if (extension.rowCount === 0)
    throw new Error(
      'The database has no citus extension: run CREATE EXTENSION citus on the coordinator first.',
    );
  if (options.shardCount !== undefined)
    await client.query(`SET citus.shard_count = ${Math.trunc(options.shardCount)}`);
  const done: string[] = [];
  const plan: [string, (table: string) => string][] = [
    ...REFERENCE_TABLES.map((t): [string, (t: string) => string] => [
      t,
      () => 'SELECT create_reference_table($1)',
    ]),
    ...PARTITION_TABLES.map((t, i): [string, (t: string) => string] => [
      t,
      () =>
        i === 0
          ? "SELECT create_distributed_table($1, 'partition_id')"
          : "SELECT create_distributed_table($1, 'partition_id', colocate_with => 'stock')",
    ]),
    ...ENVIRONMENT_TABLES.map((t, i): [string, (t: string) => string] => [
      t,
      () =>
        i === 0
          ? "SELECT create_distributed_table($1, 'environment_id', colocate_with => 'none')"
          : `SELECT create_distributed_table($1, 'environment_id', colocate_with => '${ENVIRONMENT_TABLES[0]}')`,
    ]),
  ];
  const pending = await undistributed(
    client,
    plan.map(([table]) => table),
  );
  for (const [table, statement] of plan) {
    if (!pending.has(table)) continue;
    await client.query('BEGIN');
    try {
      const before = BEFORE_DISTRIBUTING[table];
      if (before !== undefined) await client.query(before);
      await client.query(statement(table), [table]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
    done.push(table);
  }
  return done;
}

/** The tables among `tables` that exist (in the search path) and are not Citus tables yet. */
async function undistributed(client: pg.ClientBase, tables: readonly string[]): Promise<Set<string>> {
  const result = await client.query<{ name: string }>(
    `SELECT t AS name FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = to_regclass(t))`,
    [tables],
  );
  return new Set(result.rows.map((r) => r.name));
}
