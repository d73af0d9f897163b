import { expect } from 'vitest';
import { toJson } from '../../src/http/json.js';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/postgres-store.js';
import type { LedgerEntry } from '../../src/store/store.js';
import { entry } from '../store/fixtures.js';
import { createTestDatabase } from './backends.js';

/*
 * Helpers of the tests of the PostgreSQL feed's reads from memory (src/store/postgres/feed/feed-read.ts):
 * stores on one database as separate processes would open them, and the comparison of their reads.
 */

/** A fresh database and a way to open stores on it; `cleanup` gets what closes and drops them. */
export async function heldCommitsDatabase(cleanup: Array<() => Promise<void>>) {
  const db = await createTestDatabase();
  cleanup.push(db.drop);
  const open = async (options: Partial<PostgresStoreOptions> = {}) => {
    const store = await PostgresStore.connect({ connectionString: db.url, poolSize: 4, ...options });
    cleanup.push(() => store.close());
    return store;
  };
  const first = await open();
  await first.migrate();
  await first.feed.start(); // the sequencer of the test: it stamps every store's commits
  return { url: db.url, first, open };
}

/** Every read after every position up to the head, with small and large limits, equals `fresh`'s. */
export async function expectSameReads(
  held: PostgresStore,
  fresh: PostgresStore,
  environments: readonly string[],
): Promise<void> {
  await fresh.feed.settleAll(10_000);
  const head = await fresh.feed.head();
  for (const environmentId of environments) {
    for (let after = 0; after <= head; after++) {
      for (const limit of [1, 3, 1000]) {
        const kept = await held.feed.read(environmentId, after, limit);
        const read = await fresh.feed.read(environmentId, after, limit);
        expect(kept, `${environmentId} after ${after}, limit ${limit}`).toEqual(read);
        expect(toJson(kept)).toBe(toJson(read));
      }
    }
  }
}

/** One transaction of this store that appends `entries` and commits. */
export const appendOne = (store: PostgresStore, entries: readonly LedgerEntry[]) =>
  store.transaction(['k'], (tx) => tx.appendLedger(entries));

/** `count` entries of `environmentId` with event ids `{prefix}-{i}`. */
export const entries = (prefix: string, count: number, request: unknown = { n: 1 }, environmentId?: string) =>
  Array.from({ length: count }, (_, i) =>
    entry({
      eventId: `${prefix}-${i}`,
      request,
      outcome: { id: `${prefix}-${i}`, status: 'success' },
      ...(environmentId ? { environmentId } : {}),
    }),
  );
