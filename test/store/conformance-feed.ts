import { expect } from 'vitest';
import type { FeedRecord, SnapshotPage } from '../../src/store/feed-store.js';
import type { LedgerEntry, StockRow, Store } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ALL_ORGS, ENV, entry, OTHER, ordered, row, scheduled, sleep, UNIT } from './fixtures.js';

/**
 * The conformance tests of the change feed (Store.feed, feed-store.ts), part of describeStoreConformance,
 * which calls this inside its describe block. `current` returns the migrated store of the running test;
 * each test starts the feed (PostgreSQL: the sequencer) itself.
 */
export function describeFeedConformance(test: DefineTest, current: () => Store): void {
  const started = async () => {
    const store = current();
    await store.feed.start();
    return store;
  };
  /** Appends entries in one transaction under `key`; resolves with the transaction's commit mark. */
  const append = async (store: Store, entries: readonly LedgerEntry[], key = 'k') => {
    const mark = await store.transaction([key], async (tx) => {
      await tx.appendLedger(entries);
      return tx.commitMark();
    });
    if (mark === null) throw new Error('a transaction that appended entries has a commit mark');
    return mark;
  };
  /** Every entry of an environment after `after`, page by page. */
  const readAll = async (store: Store, env: string, after = 0, limit = 3) => {
    const all: FeedRecord[] = [];
    for (let cursor = after; ; ) {
      const page = await store.feed.read(env, cursor, limit);
      expect(page.length).toBeLessThanOrEqual(limit);
      all.push(...page);
      const last = page[page.length - 1];
      if (!last) return all;
      cursor = last.position;
    }
  };
  const settled = async (store: Store, mark: number) => {
    const position = await store.feed.settle(mark, 10_000);
    expect(position).toBeDefined();
    return position as number;
  };

  test('feed: committed entries get increasing positions, read by environment in position order', async () => {
    const store = await started();
    const ids = ['a1', 'a2', 'a3', 'a4', 'a5'];
    await append(
      store,
      ids.slice(0, 2).map((eventId) => entry({ eventId, clientId: 'erp' })),
    );
    await append(store, [entry({ environmentId: OTHER, eventId: 'b1' })]);
    const mark = await append(
      store,
      ids.slice(2).map((eventId) => entry({ eventId })),
    );
    const head = await settled(store, mark);
    const read = await readAll(store, ENV);
    expect(read.map((r) => r.eventId)).toEqual(ids);
    const positions = read.map((r) => r.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(5);
    expect(Math.max(...positions)).toBeLessThanOrEqual(head);
    expect(await store.feed.head()).toBeGreaterThanOrEqual(head);
    expect(read[0]?.clientId).toBe('erp');
    expect(read[2]?.clientId).toBeNull();
    expect(read[0]?.changes).toEqual(entry().changes);
    const times = read.map((r) => r.fedAt);
    expect(times).toEqual([...times].sort());
    expect((await readAll(store, OTHER)).map((r) => r.eventId)).toEqual(['b1']);
    // Reading after a position inside the list returns the rest, never an entry twice.
    expect((await readAll(store, ENV, positions[1] ?? 0)).map((r) => r.eventId)).toEqual(ids.slice(2));
    expect(await store.feed.read(ENV, head, 10)).toEqual([]);
  });

  test('feed: a follower paging while many transactions commit at once sees each entry exactly once', async () => {
    const store = await started();
    const seen: string[] = [];
    let cursor = 0;
    let writing = true;
    const follow = (async () => {
      for (;;) {
        const page = await store.feed.read(ENV, cursor, 7);
        for (const r of page) seen.push(r.eventId ?? '');
        const last = page[page.length - 1];
        if (last) cursor = last.position;
        else if (!writing) return;
        else await sleep(2);
      }
    })();
    const marks = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        append(store, [entry({ eventId: `x${i}-1` }), entry({ eventId: `x${i}-2` })], `key-${i % 8}`),
      ),
    );
    await settled(store, Math.max(...marks));
    writing = false;
    await follow;
    expect(seen.length).toBe(80);
    expect(new Set(seen).size).toBe(80);
    // Entries of one transaction stay together and in their order.
    for (let i = 0; i < 40; i++) expect(seen.indexOf(`x${i}-2`)).toBe(seen.indexOf(`x${i}-1`) + 1);
  });

  test('feed: watch is called after a commit that appended entries', async () => {
    const store = await started();
    let calls = 0;
    const stop = store.feed.watch(() => {
      calls++;
    });
    const mark = await append(store, [entry()]);
    await settled(store, mark);
    for (let i = 0; i < 100 && calls === 0; i++) await sleep(10);
    stop();
    expect(calls).toBeGreaterThan(0);
  });

  test('feed: a recorded event carries the commit mark of its transaction', async () => {
    const store = await started();
    const mark = await append(store, [entry({ eventId: 'm1', family: 'f' })]);
    const found = await store.transaction(['k'], (tx) => tx.findEvents(ENV, 'f', ['m1']));
    expect(found.get('m1')?.commit).toBe(mark);
    const position = await settled(store, mark);
    const [first] = await store.feed.read(ENV, 0, 1);
    expect(first?.position).toBeLessThanOrEqual(position);
  });

  test('feed: a snapshot gives rows with the position they reflect', async () => {
    const store = await started();
    const red = row({ productId: 'p1', quantity: 2n * UNIT });
    const blue = row({ productId: 'p2', quantity: 3n * UNIT });
    await store.transaction(['k'], async (tx) => {
      await tx.writeRows(ENV, [red, blue]);
      await tx.writeScheduleRows(ENV, [scheduled()]);
      await tx.appendLedger([entry({ eventId: 's1' })]);
    });
    const mark = await append(store, [entry({ eventId: 's2' })]);
    const head = await settled(store, mark);
    const pages: SnapshotPage[] = [];
    const position = await store.feed.snapshot(ENV, { ...ALL_ORGS, productIds: ['p1'] }, async (page) => {
      pages.push(page);
    });
    expect(position).toBe(head);
    expect(pages.flatMap((p) => p.stock)).toEqual([red]);
    expect(pages.flatMap((p) => p.schedule)).toEqual([scheduled()]);
    const all: StockRow[] = [];
    expect(await store.feed.snapshot(ENV, null, async (page) => void all.push(...page.stock))).toBe(head);
    expect(ordered(all)).toEqual(ordered([red, blue]));
  });

  test('feed: positionAt finds the last position fed at or before a time', async () => {
    const store = await started();
    const first = await settled(store, await append(store, [entry({ eventId: 't1' })]));
    const [one] = await store.feed.read(ENV, 0, 1);
    expect(await store.feed.positionAt(ENV, '2000-01-01T00:00:00.000Z')).toBe(0);
    expect(await store.feed.positionAt(ENV, one?.fedAt ?? '')).toBeGreaterThanOrEqual(one?.position ?? 1);
    expect(await store.feed.positionAt(ENV, '9999-12-31T23:59:59.999Z')).toBeLessThanOrEqual(first);
    expect(await store.feed.positionAt(ENV, '9999-12-31T23:59:59.999Z')).toBe(one?.position);
  });

  test('feed: a follower position only moves forward', async () => {
    const store = await started();
    expect(await store.feed.followerPosition(ENV, 'hook-1')).toBeUndefined();
    await store.feed.saveFollowerPosition(ENV, 'hook-1', 10);
    await store.feed.saveFollowerPosition(ENV, 'hook-1', 4);
    expect(await store.feed.followerPosition(ENV, 'hook-1')).toBe(10);
    await store.feed.saveFollowerPosition(ENV, 'hook-1', 12);
    expect(await store.feed.followerPosition(ENV, 'hook-1')).toBe(12);
    expect(await store.feed.followerPosition(OTHER, 'hook-1')).toBeUndefined();
  });

  test('feed: a lease is held by one owner at a time until it expires; its generation fences the holders', async () => {
    const store = await started();
    const [t0, t1, t2] = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:10.000Z', '2026-01-01T00:00:20.000Z'];
    const first = await store.feed.acquireLease('hook-1', 'a', t1, t0);
    expect(first).toBe(1);
    expect(await store.feed.acquireLease('hook-1', 'b', t2, t0)).toBeUndefined();
    // The holder renews without changing hands.
    expect(await store.feed.acquireLease('hook-1', 'a', t2, t0)).toBe(1);
    // Once expired, another owner takes it, with a greater generation.
    expect(await store.feed.acquireLease('hook-1', 'b', '2026-01-01T00:00:30.000Z', t2)).toBe(2);
    expect(await store.feed.acquireLease('hook-1', 'a', t2, t1)).toBeUndefined();
    await store.feed.releaseLease('hook-1', 'a');
    expect(await store.feed.acquireLease('hook-1', 'a', t2, t1)).toBeUndefined();
    await store.feed.releaseLease('hook-1', 'b');
    expect(await store.feed.acquireLease('hook-1', 'a', t2, t1)).toBe(1);
    expect(await store.feed.acquireLease('other', 'b', t2, t1)).toBe(1);
  });
}
