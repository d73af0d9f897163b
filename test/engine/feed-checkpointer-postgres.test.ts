import { afterEach, describe, expect, it } from 'vitest';
import { dimensionsKey } from '../../src/domain/dimensions.js';
import { type SpanDelta, SpanSums } from '../../src/domain/feed/span-sums.js';
import { DEFAULT_QUERY_LIMITS } from '../../src/domain/query/query-plan.js';
import { Engine } from '../../src/engine/engine.js';
import { CHECKPOINTS, Checkpointer } from '../../src/engine/feed/checkpointer.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { onHandItems } from '../support/onhand-items.js';

/*
 * The checkpointer on PostgreSQL, whose store cannot sum spans as it commits (positions are stamped after
 * the commit): it follows the store's new positions and runs a pass once the head says a span is
 * complete, without waiting for its tick (an hour here), so it sums the span while this server's own
 * entries of it are still held in memory (from the changes they were written from, span-sum-read.ts);
 * another server's entries in the span are read back. The spans written equal the sums of the entries
 * a feed read of each span answers.
 */
const SIZE = 5;
const HOUR = 3_600_000;

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** Polls until `check` holds, up to a generous deadline (no assertion of speed). */
const until = async (check: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** A span's deltas in a comparable form, sorted (readSpans answers a span's values in no set order). */
const comparable = (deltas: readonly SpanDelta[]) =>
  deltas
    .map((d) =>
      [d.partitionId, d.organizationId, d.productId, dimensionsKey(d.dimensions), d.dataSource, d.measure]
        .concat([d.date ?? '', d.delta.toString(), String(d.created)])
        .join('|'),
    )
    .sort();

const run = testBackends().includes('postgres') ? describe : describe.skip;

run('the checkpointer woken as a span completes (PostgreSQL)', () => {
  it('writes the complete spans without its tick, equal to the sums of their entries, another server’s too', async () => {
    const db = await createTestDatabase();
    cleanup.push(db.drop);
    const store = await PostgresStore.connect({ connectionString: db.url });
    cleanup.push(() => store.close());
    await store.migrate();
    await store.feed.start();
    const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
    cleanup.push(() => engine.drain());
    await engine.environments.create('e0');
    // Another server on the same database: its entries fall in the same spans, and are read back.
    const other = await PostgresStore.connect({ connectionString: db.url });
    cleanup.push(() => other.close());
    await other.feed.start();
    const otherEngine = new Engine({ store: other, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
    cleanup.push(() => otherEngine.drain());
    const errors: unknown[] = [];
    const checkpointer = new Checkpointer(
      store,
      () => new Date(),
      (e) => errors.push(e),
      SIZE,
      HOUR,
    );
    checkpointer.start();
    cleanup.push(() => checkpointer.stop());
    await engine.changeOnHand('e0', onHandItems('a', 3 * SIZE));
    await otherEngine.changeOnHand('e0', onHandItems('o', 2));
    await engine.changeOnHand('e0', onHandItems('a2', SIZE + 2));
    const head = await store.feed.settleAll(10_000);
    const complete = Math.floor((head ?? 0) / SIZE) - 1;
    expect(complete).toBeGreaterThanOrEqual(1);
    await until(
      async () => ((await store.feed.followerPosition('e0', CHECKPOINTS)) ?? -1) >= complete,
      'the checkpoint position reaches the last complete span',
    );
    // The complete spans with entries were written (a span holds the net change of each value it moved).
    const spans = await store.feed.readSpans(
      'e0',
      { organizationIds: ['usmf'], productIds: ['P0', 'P1', 'P2'] },
      0,
      complete,
    );
    expect(spans.length).toBeGreaterThan(0);
    for (let span = 0; span <= complete; span++) {
      const sums = new SpanSums();
      for (const record of await other.feed.read('e0', span * SIZE, SIZE))
        if (record.position <= (span + 1) * SIZE) sums.add(record.partitionId, record.changes);
      const written = spans.filter((d) => d.span === span);
      expect(comparable(written), `span ${span}`).toEqual(comparable(sums.deltas()));
    }
    // This server's own entries were summed from memory.
    expect(store.feed.held.spanEntries).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await checkpointer.stop();
    const passes = checkpointer.passes;
    await engine.changeOnHand('e0', onHandItems('b', 3 * SIZE));
    await store.feed.settleAll(10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Stopped: no pass follows new positions any more.
    expect(checkpointer.passes).toBe(passes);
  });
});
