import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { BY_KEY } from '../../src/store/postgres/batch-reads.js';
import { PipelinedConnection } from '../../src/store/postgres/pipeline.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase } from '../support/backends.js';

/*
 * On plain PostgreSQL a batch's fixed statements are named prepared statements (pipeline.ts,
 * prepared-statements.ts): prepared once per connection, prepared again after a failure skipped their
 * Parse, and after a table changed under a `SELECT *`.
 */

const postgresUrl = process.env.ONHAND_TEST_POSTGRES_URL ?? '';
const ENV = 'env-a';
const P = 'org1~s1~l1';
const dueArgs = [ENV, ['org1'], ['p1'], [P], '2026-12-05T00:00:00Z', [P]];

describe.skipIf(!postgresUrl)('PostgreSQL prepared batch statements', () => {
  it('are prepared once, again after a skipped Parse, and again after their table changed', async () => {
    const database = await createTestDatabase();
    const store = await PostgresStore.connect({ connectionString: database.url });
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const client = await pool.connect();
    const named = async () =>
      (await client.query('SELECT statement FROM pg_prepared_statements')).rows.map(
        (r: { statement: string }) => r.statement,
      );
    const run = async (fn: (c: PipelinedConnection) => Promise<unknown>) => {
      const connection = new PipelinedConnection(client, () => {}, true);
      return fn(connection);
    };
    try {
      await store.migrate();
      // A failing statement first: the server skips the Parse of the one after it, which is then
      // prepared (under a new name) the next time it is sent.
      const failed = run((c) =>
        Promise.all([c.query('SELECT 1/0', []), c.query(BY_KEY.scopesDueReservations, dueArgs)]),
      );
      await expect(failed).rejects.toThrow(/division by zero/);
      expect(await named()).toEqual([]);
      for (let i = 0; i < 2; i++) await run((c) => c.query(BY_KEY.scopesDueReservations, dueArgs));
      expect(await named()).toEqual([BY_KEY.scopesDueReservations]);
      // Another process's migration adds a column under the statement's `SELECT *`: it fails once,
      // then is prepared again.
      await store.migrate();
      const other = new pg.Client({ connectionString: database.url });
      await other.connect();
      await other.query('ALTER TABLE reservations ADD COLUMN note TEXT').finally(() => other.end());
      await expect(run((c) => c.query(BY_KEY.scopesDueReservations, dueArgs))).rejects.toMatchObject({
        code: '0A000',
      });
      const { rows } = (await run((c) => c.query(BY_KEY.scopesDueReservations, dueArgs))) as pg.QueryResult;
      expect(rows).toEqual([]);
      expect(await named()).toHaveLength(2);
      // A statement that is not one of the batch's stays unnamed.
      await run((c) => c.query('SELECT 1 AS one', []));
      expect(await named()).toHaveLength(2);
    } finally {
      client.release(true);
      await pool.end();
      await store.close();
      await database.drop();
    }
  });
});
