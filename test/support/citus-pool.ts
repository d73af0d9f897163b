import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MIGRATIONS } from '../../src/store/postgres/schema.js';
import { citusUrl, createCitusSchema, runSql, schemaUrl, TEST_SHARDS } from './citus.js';

/*
 * Distributed schemas for the API tests on Citus, reused. Creating one (schema, migrations, 28 tables
 * distributed) takes about 3.5 s on the test cluster and dropping it about 1 s, against 0.2 s to empty
 * one: the api-on-citus project starts dozens of harnesses. A harness takes a free schema of the pool
 * (a plain table on the coordinator, claimed with FOR UPDATE SKIP LOCKED, so the test processes of a
 * run, and runs of several checkouts, share it safely) or creates one, and gives it back emptied. A
 * schema is reused only under the layout it was made with (the migrations and the Citus layout, hashed):
 * free schemas of other layouts are dropped, and so are schemas claimed hours ago (by a test process
 * that was killed before it gave them back).
 */

const POOL = 'public.onhand_test_schemas_v2';

/** The layout a schema was made with: the PostgreSQL migrations and the Citus layout's source. */
const LAYOUT = createHash('sha256')
  .update(JSON.stringify(MIGRATIONS))
  .update(readFileSync(new URL('../../src/store/postgres/citus/citus-layout.ts', import.meta.url)))
  .update(String(TEST_SHARDS))
  .digest('hex')
  .slice(0, 16);

let ready: Promise<void> | undefined;

/** Creates the pool table once (under a lock: concurrent CREATE … IF NOT EXISTS can collide), and drops stale schemas. */
function prepare(): Promise<void> {
  ready ??= (async () => {
    await runSql(
      citusUrl,
      `BEGIN; SELECT pg_advisory_xact_lock(7413018);
       CREATE TABLE IF NOT EXISTS ${POOL} (name text PRIMARY KEY, layout text NOT NULL, free boolean NOT NULL,
         reset_sql text NOT NULL, claimed_at timestamptz NOT NULL DEFAULT now());
       COMMIT;`,
    );
    const stale = await runSql<{ name: string }>(
      citusUrl,
      `DELETE FROM ${POOL} WHERE name IN (SELECT name FROM ${POOL}
         WHERE (free AND layout <> $1) OR (NOT free AND claimed_at < now() - interval '3 hours')
         FOR UPDATE SKIP LOCKED) RETURNING name`,
      [LAYOUT],
    );
    for (const { name } of stale) await runSql(citusUrl, `DROP SCHEMA IF EXISTS ${name} CASCADE`);
  })();
  return ready;
}

/** A distributed schema as fresh as a new one; `drop` empties it and gives it back to the pool. */
export async function acquireCitusSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  await prepare();
  const [claimed] = await runSql<{ name: string; reset_sql: string }>(
    citusUrl,
    `UPDATE ${POOL} SET free = false, claimed_at = now() WHERE name = (SELECT name FROM ${POOL} WHERE free AND layout = $1
       LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING name, reset_sql`,
    [LAYOUT],
  );
  let name: string;
  let reset: string;
  if (claimed) {
    ({ name, reset_sql: reset } = claimed);
  } else {
    const schema = await createCitusSchema();
    name = schema.name;
    reset = schema.resetSql;
    await runSql(citusUrl, `INSERT INTO ${POOL} (name, layout, free, reset_sql) VALUES ($1, $2, false, $3)`, [
      name,
      LAYOUT,
      reset,
    ]);
  }
  const url = schemaUrl(name);
  return {
    url,
    drop: async () => {
      try {
        await runSql(url, reset);
      } catch (error) {
        await runSql(citusUrl, `DELETE FROM ${POOL} WHERE name = $1`, [name]);
        await runSql(citusUrl, `DROP SCHEMA IF EXISTS ${name} CASCADE`);
        throw error;
      }
      await runSql(citusUrl, `UPDATE ${POOL} SET free = true WHERE name = $1`, [name]);
    },
  };
}
