import { afterEach, describe, expect, it } from 'vitest';
import { type SpanDelta, SpanSums } from '../../src/domain/feed/span-sums.js';
import { DEFAULT_QUERY_LIMITS } from '../../src/domain/query/query-plan.js';
import { Engine } from '../../src/engine/engine.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { testBackends } from '../support/backends.js';
import { heldCommitsDatabase } from '../support/held-commits.js';
import { onHandItems } from '../support/onhand-items.js';
import { reserveBody } from '../support/reservation-helpers.js';

/*
 * The PostgreSQL store sums a checkpoint span itself (feed/span-sum-read.ts): the entries of its own
 * process's commits held in memory from the changes they were written from, the others (another
 * process's, dropped from memory, a store started after them) read back and decoded. Every span, of
 * every size, must equal the sum of the entries a feed read of the span answers, value for value and in
 * the same order, whichever process committed them and whatever memory still holds.
 */

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

const engineOf = (store: PostgresStore) => {
  const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
  cleanup.push(() => engine.drain());
  return engine;
};

/** The span summed from the entries a feed read answers (the checkpointer's read-back). */
async function readBack(store: PostgresStore, env: string, span: number, size: number): Promise<SpanDelta[]> {
  const sums = new SpanSums();
  for (const record of await store.feed.read(env, span * size, size))
    if (record.position <= (span + 1) * size) sums.add(record.partitionId, record.changes);
  return sums.deltas();
}

/** Every complete span of each size, in each environment: the store's sum equals the read-back. */
async function expectSameSums(
  stores: readonly PostgresStore[],
  environments: readonly string[],
  sizes: readonly number[],
): Promise<void> {
  const head = (await stores[0]?.feed.settleAll(10_000)) ?? 0;
  for (const size of sizes)
    for (const env of environments)
      for (let span = 0; span < Math.floor(head / size); span++) {
        const expected = await readBack(stores[0] as PostgresStore, env, span, size);
        for (const store of stores)
          expect(await store.feed.sumSpan(env, span, size), `${env} span ${span} of ${size}`).toEqual(
            expected,
          );
      }
}

const SIZES = [1, 2, 3, 5, 7, 16, 1000];

const run = testBackends().includes('postgres') ? describe : describe.skip;

run('PostgreSQL span sums from the process’s own commits', () => {
  it('equal the read-back for own commits, another process’s, mixed in one span, and a store started after', async () => {
    const { open } = await database();
    const a = await open();
    const b = await open();
    const [engineA, engineB] = [engineOf(a), engineOf(b)];
    for (const env of ['e', 'f']) await engineA.environments.create(env);
    // Commits of several sizes from both processes, interleaved, so spans hold both and commits straddle
    // span boundaries; counts (a value set, not moved), reservations and their release too.
    for (let round = 0; round < 3; round++) {
      await engineA.changeOnHand('e', onHandItems(`a${round}`, 4 + round));
      await engineB.changeOnHand('e', onHandItems(`b${round}`, 3));
      await engineA.changeOnHand('f', onHandItems(`af${round}`, 2));
      const count = onHandItems(`c${round}`, 2).map((item) => ({
        ...item,
        input: { ...item.input, quantities: { pos: { inbound: 7 + round } } },
      }));
      await engineB.setOnHand('e', 'pos', count as never);
      const [reserved] = await engineA.reservations.reserve('e', [
        { input: reserveBody(`r${round}`, 'P0', 1, { ifCheckAvailForReserv: false }) as never, path: '' },
      ]);
      expect(reserved?.status).toBe('success');
      await engineB.changeOnHand('f', onHandItems(`bf${round}`, 5));
    }
    const fresh = await open();
    await expectSameSums([a, b, fresh], ['e', 'f'], SIZES);
    // A and B took their own entries from memory; the store started after them holds none.
    expect(a.feed.held.spanEntries).toBeGreaterThan(0);
    expect(b.feed.held.spanEntries).toBeGreaterThan(0);
    expect(fresh.feed.held.spanEntries).toBe(0);
  });

  it('equal the read-back once commits are dropped from memory, and once an environment’s entries are forgotten', async () => {
    const { open } = await database();
    const a = await open({ feedMemory: { rows: 12, chars: 1_000_000 } });
    const engine = engineOf(a);
    await engine.environments.create('e');
    for (let i = 0; i < 8; i++) await engine.changeOnHand('e', onHandItems(`d${i}`, 5));
    expect(a.feed.held.rows).toBeLessThanOrEqual(12);
    const fresh = await open();
    await expectSameSums([a, fresh], ['e'], SIZES);
    const before = a.feed.held.spanEntries;
    expect(before).toBeGreaterThan(0);
    // The last commits only: the older spans came from the database.
    expect(before).toBeLessThan(SIZES.length * 40);
    a.feed.forget('e');
    await expectSameSums([a], ['e'], [3]);
    expect(a.feed.held.spanEntries).toBe(before);
  });
});

const database = () => heldCommitsDatabase(cleanup);
