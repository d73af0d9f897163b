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

export interface CitusSchema {
  /** The schema's name. */
  readonly name: string;
  /** The coordinator URL whose search_path is the schema (what a server is given). */
  readonly url: string;
  /** Empties every table and restarts the sequences: as freshly distributed. */
  readonly reset: () => Promise<void>;
  /** The statements `reset` runs (resetSql). */
  readonly resetSql: string;
  readonly drop: () => Promise<void>;
}

/** The coordinator URL whose search_path is `name`. */
export function schemaUrl(name: string): string {
  const url = new URL(citusUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return url.toString();
}

/** Runs `sql` on a connection of its own to `url`; returns the rows of its (last) statement. */
export async function runSql<R extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = (await client.query<R>(sql, params)) as pg.QueryResult<R> | pg.QueryResult<R>[];
    return Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows;
  } finally {
    await client.end();
  }
}

/**
 * A fresh schema on the cluster, migrated and distributed (`shards` per table, TEST_SHARDS unless
 * given), or left empty with `distribute: false`. Citus co-locates tables of one shard count across
 * schemas: a test that moves shards gives a count of its own, so that it moves only its own tables.
 */
export async function createCitusSchema(
  options: { distribute?: boolean; shards?: number } = {},
): Promise<CitusSchema> {
  const name = `onhand_t_${randomBytes(6).toString('hex')}`;
  await runSql(citusUrl, `CREATE SCHEMA ${name}`);
  const url = schemaUrl(name);
  if (options.distribute !== false) {
    const store = await PostgresStore.connect({ connectionString: url, poolSize: 1 });
    try {
      await store.distribute({ shardCount: options.shards ?? TEST_SHARDS });
    } finally {
      await store.close();
    }
  }
  // Taken now, before any test writes: the state a reset returns to.
  const reset = await resetSql(url);
  return {
    name,
    url,
    resetSql: reset,
    reset: async () => {
      await runSql(url, reset);
    },
    drop: async () => {
      await runSql(citusUrl, `DROP SCHEMA ${name} CASCADE`);
    },
  };
}

/**
 * The statements that bring the schema at `url` back to its state now: every table but
 * schema_migrations emptied and refilled with the rows it holds now (what the migrations seed, e.g.
 * feed_state's one row), every sequence restarted. DELETE of the few rows a test leaves is much faster
 * than TRUNCATE of every shard.
 */
export async function resetSql(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()
        AND tablename <> 'schema_migrations' ORDER BY tablename`,
    );
    const statements: string[] = [];
    const seeds: string[] = [];
    for (const { name } of tables.rows) {
      statements.push(`DELETE FROM ${name};`);
      const rows = await client.query<{ rows: unknown }>(`SELECT json_agg(t) AS rows FROM ${name} t`);
      const json = rows.rows[0]?.rows;
      if (json !== null && json !== undefined)
        seeds.push(
          `INSERT INTO ${name} SELECT * FROM json_populate_recordset(NULL::${name}, ${client.escapeLiteral(JSON.stringify(json))});`,
        );
    }
    const sequences = await client.query<{ name: string; start: string }>(
      `SELECT sequencename AS name, start_value::text AS start FROM pg_sequences
        WHERE schemaname = current_schema()`,
    );
    for (const { name, start } of sequences.rows)
      statements.push(`SELECT setval('${name}', ${start}, false);`);
    return [...statements, ...seeds].join('\n');
  } finally {
    await client.end();
  }
}
