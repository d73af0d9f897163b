import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../src/domain/query/query-plan.js';
import { Engine } from '../../src/engine/engine.js';
import { CHECKPOINTS, Checkpointer } from '../../src/engine/feed/checkpointer.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { onHandItems } from '../support/onhand-items.js';

/*
 * The checkpointer on SQLite runs a pass as soon as this server commits the last position of a span,
 * over the environments with entries in that span only (each environment visited is a lease write and,
 * with nothing new, a follower-position write on the one writer queue); its 5-second tick still covers
 * every environment. Here the tick is an hour: whatever moves, the on-commit trigger moved.
 */
const SIZE = 5;
const HOUR = 3_600_000;
const ENVIRONMENTS = ['e0', 'e1', 'e2', 'e3', 'e4', 'e5'];

const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Polls until `check` holds, up to a generous deadline (no assertion of speed). */
const until = async (check: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('the checkpointer woken as a span completes (SQLite)', () => {
  let dir: string;
  let store: SqliteStore;
  let engine: Engine;
  let checkpointer: Checkpointer;
  const errors: unknown[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onhand-checkpointer-'));
    store = SqliteStore.open({ file: join(dir, 'cp.db') });
    await store.migrate();
    engine = new Engine({ store, clock: () => new Date(), limits: DEFAULT_QUERY_LIMITS });
    for (const id of ENVIRONMENTS) await engine.environments.create(id);
    checkpointer = new Checkpointer(
      store,
      () => new Date(),
      (e) => errors.push(e),
      SIZE,
      HOUR,
    );
  });
  afterEach(async () => {
    await checkpointer.stop();
    await engine.drain();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    expect(errors).toEqual([]);
    errors.length = 0;
  });

  const write = (environmentId: string, prefix: string, count: number) =>
    engine.changeOnHand(environmentId, onHandItems(prefix, count));

  /** The checkpoint leases taken so far, read from the file on a connection of the test's own. */
  const leases = (): string[] => {
    const db = new Database(join(dir, 'cp.db'), { readonly: true });
    try {
      return db
        .prepare<[], { name: string }>(
          "SELECT name FROM feed_leases WHERE name LIKE 'checkpoints:%' ORDER BY name",
        )
        .all()
        .map((row) => row.name);
    } finally {
      db.close();
    }
  };

  it('moves the checkpoint position of the ingesting environment without the tick, and touches no other', async () => {
    checkpointer.start();
    await write('e0', 'a', 3 * SIZE);
    await until(
      async () => ((await store.feed.followerPosition('e0', CHECKPOINTS)) ?? -1) >= 1,
      'the checkpoint position of e0 moves',
    );
    await engine.drain();
    await turns(5);
    expect(leases()).toEqual(['checkpoints:e0']);
    for (const id of ENVIRONMENTS.slice(1))
      expect(await store.feed.followerPosition(id, CHECKPOINTS)).toBeUndefined();
    // The tick's pass (here called directly) still covers every environment.
    await checkpointer.runOnce();
    expect(leases()).toEqual(ENVIRONMENTS.map((id) => `checkpoints:${id}`));
  });

  it('folds the passes asked for while one runs into one pass after it, which those asks resolve with', async () => {
    checkpointer.start();
    const first = checkpointer.runOnce();
    const next = checkpointer.runOnce();
    expect(next).not.toBe(first);
    expect(checkpointer.runOnce()).toBe(next);
    expect(checkpointer.passes).toBe(1);
    await next;
    expect(checkpointer.passes).toBe(2);
    // And no other: the two asks were one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await turns(10);
    expect(checkpointer.passes).toBe(2);
  });

  it('answers a pass asked for during a woken pass with a pass over every environment', async () => {
    // The woken pass is held at its lease until runOnce has been asked for (the real store, delayed).
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const acquireLease = store.feed.acquireLease.bind(store.feed);
    store.feed.acquireLease = async (...args) => {
      await gate;
      return acquireLease(...args);
    };
    checkpointer.start();
    // A span completed by e0 alone wakes a pass over e0; asked for meanwhile, runOnce covers them all.
    await write('e0', 'w', SIZE * 2);
    await until(async () => checkpointer.passes >= 1, 'a woken pass starts');
    const all = checkpointer.runOnce();
    open();
    await all;
    expect(leases()).toEqual(ENVIRONMENTS.map((id) => `checkpoints:${id}`));
  });

  it('gives a caller resuming as the running pass ends the pass that follows, never one beside it', async () => {
    checkpointer.start();
    const first = checkpointer.runOnce();
    // This caller resumes after the first pass and before the pass asked for next has started.
    const resumed = first.then(() => checkpointer.runOnce());
    const next = checkpointer.runOnce();
    await Promise.all([resumed, next]);
    expect(checkpointer.passes).toBe(2);
    await checkpointer.stop();
    expect(checkpointer.passes).toBe(2);
  });

  it('starts no pass asked for before a stop once the running pass ends', async () => {
    const first = checkpointer.runOnce();
    const next = checkpointer.runOnce();
    await checkpointer.stop();
    await Promise.all([first, next]);
    expect(checkpointer.passes).toBe(1);
  });

  it('folds the spans completed while a pass runs into passes that write them all', async () => {
    checkpointer.start();
    await Promise.all(Array.from({ length: 8 }, (_, i) => write(i % 2 === 0 ? 'e0' : 'e1', `c${i}`, SIZE)));
    const head = await store.feed.head();
    const complete = Math.floor(head / SIZE) - 1;
    for (const id of ['e0', 'e1'])
      await until(
        async () => ((await store.feed.followerPosition(id, CHECKPOINTS)) ?? -1) >= complete - 1,
        `the checkpoint position of ${id} reaches the complete spans`,
      );
    // Eight commits completed spans; the passes are at most as many, and visited only e0 and e1.
    expect(checkpointer.passes).toBeLessThanOrEqual(8);
    expect(leases()).toEqual(['checkpoints:e0', 'checkpoints:e1']);
  });

  it('runs no pass once stopped', async () => {
    checkpointer.start();
    await write('e0', 'a', 2 * SIZE);
    await checkpointer.stop();
    const passes = checkpointer.passes;
    await write('e0', 'b', 3 * SIZE);
    await turns(10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(checkpointer.passes).toBe(passes);
  });
});
