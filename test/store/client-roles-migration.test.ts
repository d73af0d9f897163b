import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import * as postgresSchema from '../../src/store/postgres/schema.js';
import * as sqliteSchema from '../../src/store/sqlite/schema.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, testBackends, testPool } from '../support/backends.js';

/** Clients as a release before roles stored them: an environment list and an admin flag. */
const LEGACY = [
  ['ops', '["*"]', true],
  ['erp', '["Prod","test"]', false],
  ['scoped-admin', '["prod"]', true],
] as const;

const INSERT = (n: (i: number) => string) =>
  `INSERT INTO clients (client_id, secret_hash, environments, admin, created_at, revoked_at)
   VALUES (${n(1)}, 'h', ${n(2)}, ${n(3)}, '2024-01-01T00:00:00Z', NULL)`;

/** Builds a database as the release before roles left it, with LEGACY clients; returns the store. */
async function legacyStore(backend: string, cleanups: (() => Promise<void>)[]): Promise<Store> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'onhand-roles-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'onhand.db');
    const db = new Database(file);
    sqliteSchema.applyMigrations(
      db,
      sqliteSchema.MIGRATIONS.filter((m) => m.version < 6),
    );
    for (const [id, envs, admin] of LEGACY) db.prepare(INSERT(() => '?')).run(id, envs, admin ? 1 : 0);
    db.close();
    const store = await SqliteStore.open({ file });
    cleanups.push(() => store.close());
    return store;
  }
  const database = await createTestDatabase();
  cleanups.push(database.drop);
  const pool = testPool(database.url);
  try {
    await postgresSchema.applyMigrations(
      pool,
      postgresSchema.MIGRATIONS.filter((m) => m.version < 4),
    );
    for (const [id, envs, admin] of LEGACY)
      await pool.query(
        INSERT((i) => `$${i}`),
        [id, envs, admin],
      );
  } finally {
    await pool.end();
  }
  const store = await PostgresStore.connect({ connectionString: database.url });
  cleanups.unshift(() => store.close());
  return store;
}

describe.each(testBackends())('the client roles migration on %s', (backend) => {
  it('gives existing clients what they could do: admin clients admin there, the others write', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const store = await legacyStore(backend, cleanups);
      await store.migrate();
      const roles = Object.fromEntries((await store.listClients()).map((c) => [c.clientId, c.roles]));
      expect(roles).toEqual({
        ops: { '*': 'admin' },
        erp: { prod: 'write', test: 'write' },
        'scoped-admin': { prod: 'admin' },
      });
      // A role change is stored and read back; the derived columns follow.
      const erp = await store.getClient('erp');
      if (!erp) throw new Error('erp is missing');
      await store.updateClient({ ...erp, roles: { prod: 'read' } });
      expect((await store.getClient('erp'))?.roles).toEqual({ prod: 'read' });
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });
});
