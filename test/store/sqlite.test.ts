import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { describeStoreConformance, type StoreHandle } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'onhand-sqlite-'));
let databases = 0;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh database file per test; `reopen` opens the same file again. */
async function openSqlite(): Promise<StoreHandle & { file: string }> {
  const file = join(dir, `store-${++databases}.db`);
  const opened: SqliteStore[] = [];
  const openOne = () => {
    const store = SqliteStore.open({ file });
    opened.push(store);
    return store;
  };
  return {
    file,
    store: openOne(),
    reopen: async () => openOne(),
    cleanup: async () => {
      for (const store of opened) await store.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    },
  };
}

describeStoreConformance('sqlite', openSqlite);

it('sqlite keeps its database in WAL mode', async () => {
  const handle = await openSqlite();
  try {
    await handle.store.migrate();
    await handle.store.createClient({
      clientId: 'c',
      secretHash: 'h',
      environments: ['*'],
      admin: true,
      createdAt: '2024-01-01T00:00:00Z',
      revokedAt: null,
    });
    expect(existsSync(`${handle.file}-wal`)).toBe(true);
  } finally {
    await handle.cleanup();
  }
});
