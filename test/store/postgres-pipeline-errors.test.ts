import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { appendAtCommit, GroupCommitter } from '../../src/engine/group-commit.js';
import { PipelinedConnection } from '../../src/store/postgres/pipeline.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase, testBackends, testPool } from '../support/backends.js';
import { ALL_ORGS, ENV, entry, keyOf, row, settle } from './fixtures.js';

/*
 * Pipelined PostgreSQL transactions (src/store/postgres/pipeline.ts) when something goes wrong outside
 * the SQL: a value pg cannot encode, a backend terminated while the pipeline waits for a lock, and a
 * statement started but never awaited by code that then throws. Each must fail the statement or the
 * transaction, leave nothing unhandled (an uncaught exception or unhandled rejection ends the server),
 * and leave the pool usable.
 */
const onPostgres = testBackends().includes('postgres');

async function withStore(test: (store: PostgresStore, dbUrl: string) => Promise<void>): Promise<void> {
  const database = await createTestDatabase();
  const store = await PostgresStore.connect({ connectionString: database.url, poolSize: 2 });
  try {
    await store.migrate();
    await test(store, database.url);
  } finally {
    await store.close();
    await database.drop();
  }
}

const unhandled: unknown[] = [];
process.on('unhandledRejection', (e) => unhandled.push(e));

describe.runIf(onPostgres)('pipelined transactions that fail outside the SQL', () => {
  it('a backend terminated while the pipeline waits for a lock: the transaction fails, nothing unhandled, pool usable', () =>
    withStore(async (store, dbUrl) => {
      const admin = new pg.Client({ connectionString: dbUrl });
      await admin.connect();
      try {
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        let locked!: () => void;
        const isLocked = new Promise<void>((r) => (locked = r));
        const holder = store.transaction(['k'], async (tx) => {
          await tx.readRows(ENV, [keyOf(row())]);
          locked();
          await held;
        });
        await isLocked;
        const committer = new GroupCommitter<string, string>(store, async (tx, ids) => {
          await tx.writeRows(ENV, [row({ quantity: 5n })]);
          await appendAtCommit(tx, [entry()]);
          return ids.map(() => 'written');
        });
        const waiting = settle(committer.submit('k', 'e1'));
        // Wait until the waiter is blocked on the advisory lock, then kill it.
        for (let i = 0; i < 100; i++) {
          const { rows } = await admin.query(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
          );
          if (rows.length > 0) {
            await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        const outcome = await waiting;
        release();
        await holder;
        expect(outcome.ok).toBe(false);
        await new Promise((r) => setTimeout(r, 50));
        expect(unhandled).toEqual([]);
        expect(await store.readStock(ENV, ALL_ORGS)).toEqual([]);
        await store.transaction(['k'], (tx) => tx.writeRows(ENV, [row()]));
        expect(await store.readStock(ENV, ALL_ORGS)).toEqual([row()]);
      } finally {
        await admin.end();
      }
    }));

  it('a statement started, not awaited, then dropped when the transaction ends is no unhandled rejection', async () => {
    const database = await createTestDatabase();
    const pool = testPool(database.url);
    const client = await pool.connect();
    try {
      const connection = new PipelinedConnection(client);
      const started = connection.query('SELECT 1 AS one');
      connection.close(); // the transaction failed before its next pipeline was sent
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      await expect(started).rejects.toThrow(/ended before this statement was sent/);
    } finally {
      client.release();
      await pool.end();
      await database.drop();
    }
  });
});

describe.runIf(onPostgres)('a value pg cannot encode', () => {
  it('rejects the statement, as pg does, instead of throwing out of the flush', async () => {
    const database = await createTestDatabase();
    const pool = testPool(database.url);
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.prependListener('uncaughtException', onUncaught);
    const client = await pool.connect();
    try {
      // pg itself: a rejected query.
      await expect(client.query('SELECT $1::jsonb AS v', [{ a: 1n }])).rejects.toThrow(/BigInt/);
      const connection = new PipelinedConnection(client);
      const outcome = await Promise.race([
        connection.query('SELECT $1::jsonb AS v', [{ a: 1n }]).then(
          () => 'resolved',
          () => 'rejected',
        ),
        new Promise((r) => setTimeout(() => r('never settled'), 1000)),
      ]);
      expect({ outcome, uncaught: uncaught.length }).toEqual({ outcome: 'rejected', uncaught: 0 });
    } finally {
      client.release(true);
      process.removeListener('uncaughtException', onUncaught);
      await pool.end();
      await database.drop();
    }
  });
});

describe.runIf(onPostgres)('a pipeline refused before it was sent', () => {
  it('leaves no statement after a failed deferred one able to run ', async () => {
    const database = await createTestDatabase();
    const pool = testPool(database.url);
    const client = await pool.connect();
    try {
      await client.query('CREATE TABLE t (v int)');
      const connection = new PipelinedConnection(client);
      connection.defer('BEGIN', []);
      connection.defer('INSERT INTO t VALUES (1)', []);
      // Travels with the deferred BEGIN and INSERT; rejected before anything is written.
      await expect(connection.query('SELECT $1::jsonb AS v', [{ a: 1n }])).rejects.toThrow(/BigInt/);
      expect(connection.failure).toBeDefined();
      // A caller that swallowed that error goes on: the next statements must not run as if all was well.
      const next = await connection.query('INSERT INTO t VALUES (2)', []).then(
        () => 'ran',
        () => 'refused',
      );
      const commit = await connection.query('COMMIT', []).then(
        (r) => r.command,
        () => 'refused',
      );
      const { rows } = await client.query('SELECT v FROM t ORDER BY v');
      // Were they run, INSERT 2 would autocommit (no BEGIN ever ran) and COMMIT answer "COMMIT", the
      // deferred INSERT 1 lost while the transaction reported success.
      expect({ next, commit, rows }).toEqual({ next: 'refused', commit: 'refused', rows: [] });
    } finally {
      client.release(true);
      await pool.end();
      await database.drop();
    }
  });
});
