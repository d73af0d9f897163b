import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelinedConnection } from '../../src/store/postgres/pipeline.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { CITUS_MISSING, type CitusSchema, citusMode, createCitusSchema } from '../support/citus.js';

/*
 * On Citus a transaction that asks for prepared statements (TransactionOptions.preparedStatements, the
 * reservation batches) names nothing and keeps the default plans: Citus plans each statement for its
 * shards (postgres-store.ts).
 */

const P = 'org1~s1~l1';

function describePrepared(): void {
  let schema: CitusSchema;
  let store: PostgresStore;

  beforeAll(async () => {
    schema = await createCitusSchema();
    store = await PostgresStore.connect({ connectionString: schema.url, poolSize: 1 });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await schema?.drop();
  });

  it('a preparedStatements transaction names no statement and keeps the default plans', async () => {
    const client = (tx: unknown) => (tx as { client: PipelinedConnection }).client;
    // Its locks (LOCK_KEYS) are among the statements named on plain PostgreSQL.
    const mode = await store.transaction(
      [P],
      async (tx) => client(tx).query("SELECT current_setting('plan_cache_mode') AS mode, $1::int AS n", [1]),
      { preparedStatements: true },
    );
    expect(mode.rows).toEqual([{ mode: 'auto', n: 1 }]);
    const named = await store.transaction([], async (tx) =>
      client(tx).query('SELECT name FROM pg_prepared_statements', []),
    );
    expect(named.rows).toEqual([]);
  });
}

const mode = citusMode();
if (mode === 'run') describe('prepared statements on Citus', describePrepared);
else if (mode === 'fail')
  it('prepared statements on Citus run in CI', () => {
    throw new Error(CITUS_MISSING);
  });
else
  describe.skip(
    'prepared statements on Citus [skipped: set ONHAND_TEST_CITUS_URL=postgres://… to run]',
    describePrepared,
  );
