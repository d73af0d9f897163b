import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { BY_KEY } from '../../src/store/postgres/batch-reads.js';
import { PipelinedConnection } from '../../src/store/postgres/pipeline.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { READ_OPEN_RESERVATIONS } from '../../src/store/postgres/reservation-statements.js';
import { createTestDatabase } from '../support/backends.js';

/*
 * In a transaction that asks for prepared statements (TransactionOptions.preparedStatements: the
 * reservation batches), plain PostgreSQL runs the reservation batch's statements as named statements
 * with generic plans, and every other statement as before (prepared-statements.ts, pipeline.ts). A name
 * is prepared once per connection, again on a new connection, again after a failure skipped its Parse,
 * and again after a migration changed its result's type; a column added does not disturb it.
 */

const postgresUrl = process.env.ONHAND_TEST_POSTGRES_URL ?? '';
const ENV = 'env-a';
const P = 'org1~s1~l1';
const due = [ENV, ['org1'], ['p1'], [P], '2026-12-05T00:00:00Z', [P]];
const MODE = "SELECT current_setting('plan_cache_mode') AS mode";
const MODE_WITH_PARAMETER = `${MODE}, $1::int AS n`;

interface Named {
  readonly name: string;
  readonly statement: string;
  readonly generic_plans: string;
  readonly custom_plans: string;
}

async function withDatabase(test: (url: string, store: PostgresStore) => Promise<void>): Promise<void> {
  const database = await createTestDatabase();
  const store = await PostgresStore.connect({ connectionString: database.url });
  try {
    await store.migrate();
    await test(database.url, store);
  } finally {
    await store.close();
    await database.drop();
  }
}

/** Runs `fn` in BEGIN … COMMIT on `client`, as PostgresStore.transaction does (ROLLBACK after a failure). */
async function transaction<T>(
  client: pg.ClientBase,
  prepare: boolean,
  fn: (c: PipelinedConnection) => Promise<T>,
): Promise<T> {
  const connection = new PipelinedConnection(client as pg.PoolClient, () => {}, prepare);
  connection.defer('BEGIN', []);
  try {
    const result = await fn(connection);
    await connection.query('COMMIT', []);
    return result;
  } catch (error) {
    connection.close();
    await client.query('ROLLBACK');
    throw error;
  }
}

const named = async (client: pg.ClientBase): Promise<Named[]> =>
  (await client.query<Named>('SELECT * FROM pg_prepared_statements ORDER BY name')).rows;

describe.skipIf(!postgresUrl)('PostgreSQL prepared reservation statements', () => {
  it('run named with generic plans, while the other statements keep the default plans', () =>
    withDatabase(async (url) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const modes = await transaction(client, true, (c) =>
          Promise.all([
            c.query(MODE_WITH_PARAMETER, [1]),
            c.query(BY_KEY.scopesDueReservations, due),
            c.query(MODE, []),
            c.query(READ_OPEN_RESERVATIONS, [ENV, 'org1', 'p1', P]),
            c.query(MODE_WITH_PARAMETER, [2]),
            c.query(BY_KEY.scopesDueReservations, due),
          ]),
        );
        expect(modes.map((r) => r.rows[0]?.mode)).toEqual([
          'auto',
          undefined,
          'force_generic_plan',
          undefined,
          'auto',
          undefined,
        ]);
        // Prepared once, planned once (generic), run twice; the unnamed statements left no name.
        expect(await named(client)).toEqual([
          expect.objectContaining({
            statement: BY_KEY.scopesDueReservations,
            generic_plans: '2',
            custom_plans: '0',
          }),
        ]);
        // The setting ends with the transaction.
        expect((await client.query(MODE)).rows[0].mode).toBe('auto');
        // A transaction that does not ask for them names nothing and changes no plan.
        const plain = await transaction(client, false, (c) =>
          Promise.all([c.query(BY_KEY.scopesDueReservations, due), c.query(MODE_WITH_PARAMETER, [1])]),
        );
        expect(plain[1].rows[0].mode).toBe('auto');
        expect((await named(client))[0]?.generic_plans).toBe('2');
      } finally {
        await client.end();
      }
    }));

  it('are prepared again on a new connection, after a skipped Parse, and after their result type changed', () =>
    withDatabase(async (url) => {
      const first = new pg.Client({ connectionString: url });
      await first.connect();
      try {
        // A failure first: the server skips the Parse after it, so the name is prepared next time.
        const failed = transaction(first, true, (c) =>
          Promise.all([c.query('SELECT 1/$1::int', [0]), c.query(BY_KEY.scopesDueReservations, due)]),
        );
        await expect(failed).rejects.toThrow(/division by zero/);
        expect(await named(first)).toEqual([]);
        for (let i = 0; i < 2; i++)
          await transaction(first, true, (c) => c.query(BY_KEY.scopesDueReservations, due));
        expect((await named(first)).map((s) => s.statement)).toEqual([BY_KEY.scopesDueReservations]);
        // A migration adds a column: the statement names its columns, so it still runs as prepared.
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        try {
          await admin.query('ALTER TABLE reservations ADD COLUMN note TEXT');
          const { rows } = await transaction(first, true, (c) => c.query(BY_KEY.scopesDueReservations, due));
          expect(rows).toEqual([]);
          // A migration changes a column's type under the result: the batch fails once, then the
          // statement is prepared again (Close, then Parse under the same name).
          await admin.query('ALTER TABLE reservations ALTER COLUMN status TYPE varchar(40)');
        } finally {
          await admin.end();
        }
        const stale = transaction(first, true, (c) => c.query(BY_KEY.scopesDueReservations, due));
        await expect(stale).rejects.toMatchObject({ code: '0A000', routine: 'RevalidateCachedQuery' });
        const again = await transaction(first, true, (c) => c.query(BY_KEY.scopesDueReservations, due));
        expect(again.fields.find((f) => f.name === 'status')?.dataTypeID).toBe(1043);
        expect(await named(first)).toHaveLength(1);
      } finally {
        await first.end();
      }
      // Another connection (a reconnect) prepares it for itself.
      const second = new pg.Client({ connectionString: url });
      await second.connect();
      try {
        expect(await named(second)).toEqual([]);
        await transaction(second, true, (c) => c.query(BY_KEY.scopesDueReservations, due));
        expect((await named(second)).map((s) => s.statement)).toEqual([BY_KEY.scopesDueReservations]);
      } finally {
        await second.end();
      }
    }));

  it('the OCI graph check of every IV reservation is one named statement per connection', async () => {
    const database = await createTestDatabase();
    const store = await PostgresStore.connect({ connectionString: database.url, poolSize: 1 });
    try {
      await store.migrate();
      expect(await store.oci.getGraph(ENV)).toBeUndefined();
      expect(await store.oci.getGraph(ENV)).toBeUndefined();
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query(
          "INSERT INTO oci_graphs (environment_id, version, iv_organization_id, updated_at) VALUES ($1, 1, 'org1', 't')",
          [ENV],
        );
      } finally {
        await admin.end();
      }
      expect(await store.oci.getGraph(ENV)).toMatchObject({ version: 1 });
      await store.transaction([], async (tx) => {
        const { rows } = await (tx as unknown as { client: PipelinedConnection }).client.query(
          'SELECT name FROM pg_prepared_statements',
          [],
        );
        expect(rows).toEqual([{ name: 'onhand_oci_graph_exists' }]);
      });
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
