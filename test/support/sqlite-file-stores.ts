import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../src/domain/query/query-plan.js';
import { Engine } from '../../src/engine/engine.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

/**
 * Several SQLite stores on one file, as several processes would open it (each its own connections and
 * memory), for the tests of what a store keeps in memory of its own commits. Call inside a describe
 * block: each test gets a fresh file, and every store opened is closed after it.
 */
export function sqliteFileStores(name: string) {
  let dir = '';
  let file = '';
  const stores: SqliteStore[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `onhand-${name}-`));
    file = join(dir, `${name}.db`);
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    /** The test's file. */
    file: () => file,
    /** Another store on the test's file, migrated. */
    open: async () => {
      const store = SqliteStore.open({ file });
      await store.migrate();
      stores.push(store);
      return store;
    },
    /** An engine over a store, with the system clock. */
    engine: (store: SqliteStore) =>
      new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS }),
  };
}
