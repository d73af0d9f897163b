import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';

/*
 * Tests on a Citus cluster (a coordinator and its workers), run when ONHAND_TEST_CITUS_URL names the
 * coordinator's database (.ci/run starts a throwaway cluster and sets it). Creating a Citus database
 * means creating it and the extension on every node and registering the workers, so tests use a schema
 * of the one database instead: its own tables, distributed with 4 shards per table (enough to prove
 * routing, cheap to create), reached through a URL whose search_path names it.
 */

export const citusUrl = process.env.ONHAND_TEST_CITUS_URL ?? '';

/** True in the api-on-citus project (vitest.config.ts): harnesses run on a distributed schema. */
export const onCitus = process.env.ONHAND_TEST_BACKEND === 'citus';

/** Shards per table in the tests' schemas. */
export const TEST_SHARDS = 4;

/** How a test file runs on Citus: 'run', 'skip' (no URL, not CI) or 'fail' (no URL in CI). */
export function citusMode(): 'run' | 'skip' | 'fail' {
  if (citusUrl !== '') return 'run';
  return process.env.CI === 'true' ? 'fail' : 'skip';
}

export const CITUS_MISSING =
  'CI must provide a Citus cluster: set ONHAND_TEST_CITUS_URL (.ci/run starts one with the Citus build of the workplace, see docs/operations.md).';

/** The tables emptied between the tests that share one schema (all but schema_migrations). */
const TABLES = `environments, clients, stock, reservations, schedule, ledger, feed_commits, feed_spans, feed_state,
  feed_followers, feed_tickets, feed_leases, webhooks, webhook_deliveries, products, jobs, adjustment_lines,
  oci_graphs, oci_locations, oci_groups, oci_group_members, oci_safety_stock, oci_record_outcomes,
  oci_segment_exclusions`;

export interface CitusSchema {
  /** The coordinator URL whose search_path is the schema (what a server is given). */
  readonly url: string;
  /** Empties every table and restarts the ledger sequence: as freshly distributed. */
  readonly reset: () => Promise<void>;
  readonly drop: () => Promise<void>;
}

/**
 * A fresh schema on the cluster, migrated and distributed (TEST_SHARDS shards per table), or left
 * empty with `distribute: false`.
 */
export async function createCitusSchema(options: { distribute?: boolean } = {}): Promise<CitusSchema> {
  const name = `onhand_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: citusUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(citusUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  if (options.distribute !== false) {
    const store = await PostgresStore.connect({ connectionString: url.toString(), poolSize: 1 });
    try {
      await store.distribute({ shardCount: TEST_SHARDS });
    } finally {
      await store.close();
    }
  }
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    url: url.toString(),
    // DELETE of the few rows a test leaves is much faster than TRUNCATE of every shard.
    reset: () =>
      run(`${TABLES.split(',')
        .map((table) => `DELETE FROM ${table.trim()};`)
        .join(' ')} SELECT setval('ledger_seq', 1, false);
        INSERT INTO feed_state (id, position, fed_at) VALUES (1, 0, '')`),
    drop: () => run(`SET search_path = public; DROP SCHEMA ${name} CASCADE`),
  };
}
