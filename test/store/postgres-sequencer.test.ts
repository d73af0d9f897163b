import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedRecord } from '../../src/store/feed-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { LedgerEntry, Store } from '../../src/store/store.js';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { ENV, entry, OTHER, sleep } from './fixtures.js';

/*
 * The sequencer of the PostgreSQL feed (src/store/postgres/feed/sequencer.ts, stamp-round.ts): a stamping
 * round is one round trip, and the process that stamped wakes its own feed readers itself, passing over
 * the NOTIFY that wakes the other processes. Two stores on one database stand for two processes.
 */

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function twoProcesses(): Promise<{ holder: PostgresStore; other: PostgresStore }> {
  const db = await createTestDatabase();
  const open = async () => {
    const store = await PostgresStore.connect({ connectionString: db.url, poolSize: 4 });
    cleanup.push(() => store.close());
    return store;
  };
  cleanup.push(db.drop);
  const holder = await open();
  await holder.migrate();
  await holder.feed.start();
  const other = await open();
  await other.feed.start();
  expect(holder.feed.sequencing).toBe(true);
  expect(other.feed.sequencing).toBe(false);
  return { holder, other };
}

const append = (store: Store, entries: readonly LedgerEntry[], key: string) =>
  store.transaction([key], async (tx) => {
    await tx.appendLedger(entries);
    return tx.commitMark() ?? 0;
  });

/** Every entry of the environment (ENV by default) after `after`. */
async function readAll(store: Store, after: number, env = ENV): Promise<FeedRecord[]> {
  const all: FeedRecord[] = [];
  for (let cursor = after; ; ) {
    const page = await store.feed.read(env, cursor, 100);
    const last = page[page.length - 1];
    if (!last) return all;
    all.push(...page);
    cursor = last.position;
  }
}

const run = testBackends().includes('postgres') ? describe : describe.skip;

run('the PostgreSQL feed sequencer', () => {
  it('stamps commits of different sizes with consecutive positions and advances the head past them', async () => {
    const { holder, other } = await twoProcesses();
    const before = await holder.feed.head();
    // Through both processes, on different lock keys, at once: one or more rounds stamp them.
    const sizes = [2, 1, 3, 5, 1, 4];
    const marks = await Promise.all(
      sizes.map((size, t) =>
        append(
          t % 2 === 0 ? holder : other,
          Array.from({ length: size }, (_, i) => entry({ eventId: `t${t}-${i}` })),
          `key-${t}`,
        ),
      ),
    );
    const settled = await other.feed.settle(Math.max(...marks), 10_000);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(settled).toBe(before + total);
    expect(await holder.feed.head()).toBe(before + total);
    const read = await readAll(other, before);
    expect(read.map((r) => r.position)).toEqual(Array.from({ length: total }, (_, i) => before + 1 + i));
    // Each commit's entries stay together, in their order; entry times never go back.
    for (let t = 0; t < sizes.length; t++) {
      const at = read.findIndex((r) => r.eventId === `t${t}-0`);
      const ids = read.slice(at, at + (sizes[t] ?? 0)).map((r) => r.eventId);
      expect(ids).toEqual(Array.from({ length: sizes[t] ?? 0 }, (_, i) => `t${t}-${i}`));
    }
    const times = read.map((r) => r.fedAt);
    expect(times).toEqual([...times].sort());
  });

  it('gives a commit that spans environments distinct positions, without gaps, across the database', async () => {
    const { holder, other } = await twoProcesses();
    const before = await holder.feed.head();
    // One transaction writes two environments (the group committer's batch may), then one more commit.
    const first = await holder.transaction(['k1'], async (tx) => {
      await tx.appendLedger([
        entry({ eventId: 'a1' }),
        entry({ eventId: 'a2' }),
        entry({ environmentId: OTHER, eventId: 'b1' }),
        entry({ environmentId: OTHER, eventId: 'b2' }),
        entry({ environmentId: OTHER, eventId: 'b3' }),
      ]);
      return tx.commitMark() ?? 0;
    });
    const second = await append(holder, [entry({ eventId: 'a3' })], 'k2');
    expect(await other.feed.settle(Math.max(first, second), 10_000)).toBe(before + 6);
    const positions = [...(await readAll(other, before)), ...(await readAll(other, before, OTHER))]
      .map((r) => r.position)
      .sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 6 }, (_, i) => before + 1 + i));
  });

  it('the holder wakes its own readers once per round, after the commit; the other process by NOTIFY', async () => {
    const { holder, other } = await twoProcesses();
    const seen = { holder: [] as string[][], other: [] as string[][] };
    const watch = (store: PostgresStore, into: string[][]) =>
      store.feed.watch(() => {
        // What a reader woken now finds: the stamping has committed.
        void readAll(store, 0).then((records) => into.push(records.map((r) => r.eventId ?? '')));
      });
    cleanup.push(async () => {
      stopHolder();
      stopOther();
    });
    const stopHolder = watch(holder, seen.holder);
    const stopOther = watch(other, seen.other);
    // A write taken by the other process: the holder stamps it on that process's signal.
    await append(other, [entry({ eventId: 'from-other' })], 'k1');
    for (let i = 0; i < 200 && (seen.holder.length === 0 || seen.other.length === 0); i++) await sleep(10);
    expect(seen.holder[0]).toEqual(['from-other']);
    expect(seen.other[0]).toEqual(['from-other']);
    // A write of the holder itself.
    await append(holder, [entry({ eventId: 'from-holder' })], 'k2');
    for (let i = 0; i < 200 && (seen.holder.length < 2 || seen.other.length < 2); i++) await sleep(10);
    expect(seen.holder[1]).toEqual(['from-other', 'from-holder']);
    expect(seen.other[1]).toEqual(['from-other', 'from-holder']);
    // Its own NOTIFY came back to the holder's connection and was passed over: one wake per round.
    await sleep(300);
    expect(seen.holder).toHaveLength(2);
    expect(seen.other).toHaveLength(2);
  });

  it('a feed stopped while its connection is being opened leaves no connection open', async () => {
    const db = await createTestDatabase();
    cleanup.push(db.drop);
    const store = await PostgresStore.connect({ connectionString: db.url, poolSize: 2 });
    cleanup.push(() => store.close());
    await store.migrate();
    const starting = store.feed.start();
    await store.feed.stop();
    await starting;
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    cleanup.push(() => admin.end());
    const feedConnections = async () => {
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'onhand-feed'",
      );
      return rows[0]?.n;
    };
    expect(await feedConnections()).toBe(0);
    expect(store.feed.sequencing).toBe(false);
    // Started, stopped and started again before the first connection was open: one connection, the
    // second start's, holds the lease; stopped, none is left.
    const first = store.feed.start();
    const stopping = store.feed.stop();
    const second = store.feed.start();
    await Promise.all([first, stopping, second]);
    expect(await feedConnections()).toBe(1);
    expect(store.feed.sequencing).toBe(true);
    await store.feed.stop();
    expect(await feedConnections()).toBe(0);
  });
});
