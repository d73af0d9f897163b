import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ORPHANED_DATA_TABLES } from '../../src/store/orphaned-data-tables.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { applyMigrations } from '../../src/store/sqlite/schema.js';
import { createTestDatabase, testBackends } from '../support/backends.js';

/*
 * deleteOrphanedData's list of tables (src/store/orphaned-data-tables.ts) against the schemas: every
 * table with an environment_id column, after every migration, is deleted from but the environment
 * record itself (and, on PostgreSQL, feed_commits, which postgres/orphaned-data.ts deletes last). A
 * migration that adds such a table makes this fail until the table is put in the list, or among the
 * kept ones with its reason.
 */

const EXPECTED = [...ORPHANED_DATA_TABLES].sort();

describe('the tables deleteOrphanedData deletes from', () => {
  it('are every SQLite table with an environment_id column but environments', () => {
    const db = new Database(':memory:');
    try {
      applyMigrations(db);
      const tables = db
        .prepare<[], { name: string }>(
          `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
           WHERE m.type = 'table' AND c.name = 'environment_id' AND m.name <> 'environments' ORDER BY m.name`,
        )
        .all()
        .map((r) => r.name);
      expect(tables.sort()).toEqual(EXPECTED);
    } finally {
      db.close();
    }
  });

  const onPostgres = testBackends().includes('postgres') ? it : it.skip;
  onPostgres(
    'are every PostgreSQL table with an environment_id column but environments and feed_commits',
    async () => {
      const database = await createTestDatabase();
      const store = await PostgresStore.connect({ connectionString: database.url, poolSize: 1 });
      const db = new pg.Client({ connectionString: database.url });
      try {
        await store.migrate();
        await db.connect();
        const { rows } = await db.query<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_name = 'environment_id'
           AND table_name NOT IN ('environments', 'feed_commits')`,
        );
        expect(rows.map((r) => r.name).sort()).toEqual(EXPECTED);
      } finally {
        await db.end();
        await store.close();
        await database.drop();
      }
    },
  );
});
