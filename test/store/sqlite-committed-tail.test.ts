import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { toJson } from '../../src/http/json.js';
import { sqliteFileStores } from '../support/sqlite-file-stores.js';

/*
 * The SQLite feed answers reads after its own last commits from the rows it committed, kept in memory
 * (committed-tail.ts), and from the file after them. Another process (here a second store on the same
 * file: its own connections, its own memory) may write between two of them: every read must still be
 * what a reader that keeps nothing (a third store) reads from the file, byte for byte.
 */
describe('the SQLite feed reading its own last commits from memory', () => {
  const { open, engine: engineOf } = sqliteFileStores('tail');

  const write = (engine: Engine, environmentId: string, prefix: string, count: number) =>
    engine.changeOnHand(
      environmentId,
      Array.from({ length: count }, (_, i) => ({
        input: {
          id: `${prefix}-${i}`,
          organizationId: 'usmf',
          productId: `P${i % 3}`,
          dimensions: { siteId: '1', locationId: String(11 + (i % 2)), colorId: 'red' },
          quantities: { pos: { inbound: 1 + i / 10 } },
        },
        path: `/${i}`,
      })),
    );

  it('reads what the file holds, also when a second process writes the same file in between', async () => {
    const a = await open();
    const engineA = engineOf(a);
    await engineA.environments.create('e');
    await engineA.environments.create('f');
    const b = await open();
    const engineB = engineOf(b);

    await write(engineA, 'e', 'a1', 20);
    await write(engineA, 'f', 'a2', 5);
    await write(engineA, 'e', 'a3', 7);
    await write(engineB, 'e', 'b1', 4); // behind A's back: A's next commit does not follow its last
    await write(engineA, 'e', 'a4', 9);
    await write(engineA, 'f', 'a5', 3);
    await write(engineB, 'e', 'b2', 6); // after A's last commit: A reads these from the file

    const fresh = await open();
    const head = await fresh.feed.head();
    const before = a.feed.tailReads;
    for (const environmentId of ['e', 'f']) {
      for (let after = 0; after <= head; after++) {
        for (const limit of [1, 4, 1000]) {
          const kept = await a.feed.read(environmentId, after, limit);
          const read = await fresh.feed.read(environmentId, after, limit);
          expect(toJson(kept), `${environmentId} after ${after}, limit ${limit}`).toBe(toJson(read));
          expect(kept).toEqual(read);
        }
      }
    }
    // A answered the reads after its restart point from memory, and read B's last entries from the file.
    expect(a.feed.tailReads - before).toBeGreaterThan(0);
    expect((await a.feed.read('e', 0, 1000)).filter((r) => r.eventId?.startsWith('b2')).length).toBe(6);
    await engineA.drain();
    await engineB.drain();
  });

  it('serves the feed hub the entries it wrote, with the same availability as a reader of the file', async () => {
    const a = await open();
    const engineA = engineOf(a);
    await engineA.environments.create('e');
    await write(engineA, 'e', 'x', 30);
    const fresh = await open();
    const engineC = engineOf(fresh);
    const NONE = { productIds: [], siteIds: [], locationIds: [], kinds: [] };
    const kept = await engineA.feed.read('e', 0, 100, NONE);
    const read = await engineC.feed.read('e', 0, 100, NONE);
    expect(kept.entries).toHaveLength(30);
    expect(toJson(kept)).toBe(toJson(read));
    await engineA.drain();
    await engineC.drain();
  });
});
