import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A storage backend the API tests can run on ('citus': a distributed schema, test/support/citus.ts). */
export type Backend = 'sqlite' | 'postgres' | 'citus';

const postgresUrl = process.env.ONHAND_TEST_POSTGRES_URL ?? '';

/**
 * The backends to run backend-dependent tests on: SQLite always; PostgreSQL when
 * ONHAND_TEST_POSTGRES_URL is set. With CI=true a missing URL is an error, never a silent skip. In the
 * projects that run the API tests again on one backend (vitest.config.ts sets ONHAND_TEST_BACKEND),
 * that backend alone: the others ran in the first project.
 */
export function testBackends(): Backend[] {
  const only = process.env.ONHAND_TEST_BACKEND;
  if (only === 'postgres' || only === 'citus') return [only];
  if (postgresUrl !== '') return ['sqlite', 'postgres'];
  if (process.env.CI === 'true') {
    throw new Error(
      'CI must provide a PostgreSQL database: set ONHAND_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test).',
    );
  }
  return ['sqlite'];
}

/**
 * The backend of a test under test/api or test/compat: those files run once per project
 * (vitest.config.ts), so in the first project they take SQLite and the api-on-postgres and api-on-citus
 * projects give them their own. Iterating over testBackends() there would run PostgreSQL twice.
 */
export function apiBackend(): Backend {
  const only = process.env.ONHAND_TEST_BACKEND;
  if (only === 'postgres' || only === 'citus') return only;
  testBackends(); // with CI=true a missing PostgreSQL database fails here too, never skips its project
  return 'sqlite';
}

/**
 * A pg pool on a test database. pool.end() resolves before its connections have closed, so a drop of
 * the database right after (createTestDatabase's, WITH (FORCE)) can terminate one that is still closing:
 * the pool then emits 'error', which without a listener ends the test process as an uncaught exception.
 * Such an error concerns no query (each query reports its own), so it is ignored here.
 */
export function testPool(connectionString: string, max = 1): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => {});
  return pool;
}

/** A fresh PostgreSQL database for one harness; `drop` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  const name = `onhand_test_${randomBytes(8).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
