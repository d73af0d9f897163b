import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/postgres-store.js';
import type { StoreHandle } from './conformance.js';

/* The PostgreSQL databases of the store tests (test/store/postgres*.test.ts): one fresh database per test. */

export const baseUrl = process.env.ONHAND_TEST_POSTGRES_URL ?? '';
let admin: pg.Pool | undefined;

/** A connection to the URL given, to create and drop the test databases (one per test). */
const adminPool = () => {
  admin ??= new pg.Pool({ connectionString: baseUrl, max: 2 });
  return admin;
};

export interface PostgresHandle extends StoreHandle {
  readonly url: string;
  /** Opens another store (another pool, as another process would) on the same database. */
  readonly connect: (options?: Partial<PostgresStoreOptions>) => Promise<PostgresStore>;
}

/** A fresh database per test (CREATE DATABASE onhand_test_…); cleanup drops it WITH (FORCE). */
export async function openPostgres(): Promise<PostgresHandle> {
  const name = `onhand_test_${randomBytes(8).toString('hex')}`;
  await adminPool().query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const opened: PostgresStore[] = [];
  const connect = async (options: Partial<PostgresStoreOptions> = {}) => {
    const store = await PostgresStore.connect({ connectionString: url.toString(), ...options });
    opened.push(store);
    return store;
  };
  return {
    url: url.toString(),
    connect,
    store: await connect(),
    reopen: () => connect(),
    cleanup: async () => {
      for (const store of opened) await store.close();
      await adminPool().query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Runs `test` on a migrated fresh database, with a plain client on it for inspection. */
export async function withDatabase(
  test: (h: PostgresHandle, db: pg.Client) => Promise<void>,
  migrate = true,
) {
  const handle = await openPostgres();
  const db = new pg.Client({ connectionString: handle.url });
  try {
    await db.connect();
    if (migrate) await handle.store.migrate();
    await test(handle, db);
  } finally {
    await db.end();
    await handle.cleanup();
  }
}

/**
 * Defines `tests` when ONHAND_TEST_POSTGRES_URL is set (the databases are dropped and the admin pool
 * closed after them); with CI=true a missing URL is a failing test, otherwise the tests are skipped.
 */
export function describeOnPostgres(tests: () => void): void {
  const withPool = () => {
    afterAll(async () => {
      await admin?.end();
      admin = undefined;
    });
    tests();
  };
  if (baseUrl !== '') {
    withPool();
  } else if (process.env.CI === 'true') {
    it('PostgreSQL store tests run in CI', () => {
      throw new Error(
        'CI must provide a PostgreSQL database: set ONHAND_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test).',
      );
    });
  } else {
    describe.skip('PostgreSQL store [skipped: set ONHAND_TEST_POSTGRES_URL=postgres://… to run]', withPool);
  }
}
