import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../src/domain/query/query-plan.js';
import { Engine } from '../../src/engine/engine.js';
import { CHECKPOINTS, Checkpointer } from '../../src/engine/feed/checkpointer.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { onHandItems } from '../support/onhand-items.js';

/*
 * The checkpointer on PostgreSQL, whose store cannot sum spans as it commits (positions are stamped after
 * the commit): it follows the store's new positions and runs a pass once the head says a span is
 * complete, without waiting for its tick (an hour here), so it reads the span back while this server's
 * own entries of it are still held in memory.
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

const run = testBackends().includes('postgres') ? describe : describe.skip;

run('the checkpointer woken as a span completes (PostgreSQL)', () => {
  it('writes the complete spans without its tick, from the entries it reads back', async () => {
    const db = await createTestDatabase();
    cleanup.push(db.drop);
    const store = await PostgresStore.connect({ connectionString: db.url });
    cleanup.push(() => store.close());
    await store.migrate();
    await store.feed.start();
    const engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
    cleanup.push(() => engine.drain());
    await engine.environments.create('e0');
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
      { organizationIds: ['usmf'], productIds: ['P0'] },
      0,
      complete,
    );
    expect(spans.length).toBeGreaterThan(0);
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
