import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BatchHandler, ConfigurationMoved, GroupCommitter } from '../../src/engine/group-commit.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { StockRow, StoreTx } from '../../src/store/store.js';

const ENV = 'env-gc';
const dir = mkdtempSync(join(tmpdir(), 'onhand-group-commit-'));
let databases = 0;
let store: SqliteStore;

beforeEach(async () => {
  store = SqliteStore.open({ file: join(dir, `store-${++databases}.db`) });
  await store.migrate();
});
afterEach(async () => {
  await store.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** One unit of stock of `productId`: what the handlers below write for each item. */
function stock(productId: string): StockRow {
  return {
    organizationId: 'org1',
    productId,
    dimensions: { locationid: 'l1', siteid: 's1' },
    dataSource: 'pos',
    measure: 'inbound',
    partitionId: 'org1~s1~l1',
    quantity: 1_000_000n,
    countedAt: null,
  };
}

async function storedProducts(): Promise<string[]> {
  const rows = await store.readStock(ENV, { organizationIds: ['org1'] });
  return rows.map((r) => r.productId).sort();
}

/** A promise the test settles by hand, to hold a batch in flight. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A handler that records every batch (one call = one transaction) and the tx it ran in, writes one
 * stock row per item and returns `item@batch.position`. `hold` keeps the first batch in flight until
 * released.
 */
function recorder(hold?: { started: () => void; release: Promise<void> }) {
  const batches: string[][] = [];
  const txs: StoreTx[] = [];
  const handler: BatchHandler<string, string> = async (tx, items) => {
    batches.push([...items]);
    txs.push(tx);
    const batch = batches.length;
    await tx.writeRows(
      ENV,
      items.map((item) => stock(item)),
    );
    if (hold && batch === 1) {
      hold.started();
      await hold.release;
    }
    return items.map((item, i) => `${item}@${batch}.${i}`);
  };
  return { batches, txs, handler };
}

describe('GroupCommitter', () => {
  it('applies items submitted in the same tick in one transaction, in arrival order', async () => {
    const { batches, txs, handler } = recorder();
    const committer = new GroupCommitter(store, handler);
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((item) => committer.submit('k', item)));
    expect(batches).toEqual([['a', 'b', 'c', 'd']]);
    expect(txs).toHaveLength(1);
    expect(results).toEqual(['a@1.0', 'b@1.1', 'c@1.2', 'd@1.3']);
    expect(await storedProducts()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('gathers items that arrive while a batch is in flight into the next batch', async () => {
    const started = deferred();
    const release = deferred();
    const { batches, handler } = recorder({ started: started.resolve, release: release.promise });
    const committer = new GroupCommitter(store, handler);
    const first = [committer.submit('k', 'a'), committer.submit('k', 'b')];
    await started.promise;
    // Arriving over several event-loop turns, still while the first batch is being written.
    const second = [committer.submit('k', 'c'), committer.submit('k', 'd')];
    await new Promise((resolve) => setImmediate(resolve));
    second.push(committer.submit('k', 'e'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['a', 'b']]);
    release.resolve();
    await Promise.all([...first, ...second]);
    expect(batches).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
  });

  it('leaves out the items whose configuration moved: they reject with ConfigurationMoved, the others commit', async () => {
    await store.saveEnvironment({
      environmentId: ENV,
      configuration: {},
      version: 3,
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:00:00.000Z',
    });
    const { batches, handler } = recorder();
    const committer = new GroupCommitter(store, handler);
    const [fresh, stale, unguarded, unknown] = [
      committer.submit('k', 'fresh', { environmentId: ENV, version: 3 }),
      committer.submit('k', 'stale', { environmentId: ENV, version: 2 }),
      committer.submit('k', 'unguarded'),
      committer.submit('k', 'unknown', { environmentId: 'nobody', version: 1 }),
    ];
    expect(await fresh).toBe('fresh@1.0');
    await expect(stale).rejects.toBeInstanceOf(ConfigurationMoved);
    expect(await unguarded).toBe('unguarded@1.1');
    await expect(unknown).rejects.toMatchObject({ environmentId: 'nobody' });
    expect(batches).toEqual([['fresh', 'unguarded']]);
    expect(await storedProducts()).toEqual(['fresh', 'unguarded']);
  });

  it('returns each caller its own result, across batches', async () => {
    const { handler } = recorder();
    const committer = new GroupCommitter(store, handler, 2);
    const [x, y, z] = [committer.submit('k1', 'x'), committer.submit('k2', 'y'), committer.submit('k1', 'z')];
    expect(await z).toBe('z@2.0');
    expect(await x).toBe('x@1.0');
    expect(await y).toBe('y@1.1');
  });

  it('when a handler throws, every item of that batch is rejected and later batches still run', async () => {
    const started = deferred();
    const release = deferred();
    const batches: string[][] = [];
    const failure = new Error('handler failed');
    const handler: BatchHandler<string, string> = async (_tx, items) => {
      batches.push([...items]);
      if (items.includes('boom')) {
        started.resolve();
        await release.promise;
        throw failure;
      }
      return [...items];
    };
    const committer = new GroupCommitter(store, handler);
    const failing = Promise.allSettled(['a', 'boom', 'b'].map((item) => committer.submit('k', item)));
    await started.promise;
    const later = Promise.all([committer.submit('k', 'c'), committer.submit('k', 'd')]);
    release.resolve();
    expect(await failing).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    expect(await later).toEqual(['c', 'd']);
    expect(await committer.submit('k', 'e')).toBe('e');
    expect(batches).toEqual([['a', 'boom', 'b'], ['c', 'd'], ['e']]);
  });

  it('splits a submission larger than maxBatch into batches of at most maxBatch, in order', async () => {
    const { batches, handler } = recorder();
    const committer = new GroupCommitter(store, handler, 3);
    const items = ['i0', 'i1', 'i2', 'i3', 'i4', 'i5', 'i6'];
    const results = await Promise.all(items.map((item) => committer.submit('k', item)));
    expect(batches).toEqual([['i0', 'i1', 'i2'], ['i3', 'i4', 'i5'], ['i6']]);
    expect(results).toEqual(['i0@1.0', 'i1@1.1', 'i2@1.2', 'i3@2.0', 'i4@2.1', 'i5@2.2', 'i6@3.0']);
  });

  it('drain resolves only after everything submitted has been applied', async () => {
    const batches: string[][] = [];
    let committer: GroupCommitter<string, string> | undefined;
    const handler: BatchHandler<string, string> = async (tx, items) => {
      batches.push([...items]);
      // A request arriving while this batch is in flight.
      if (batches.length === 1) void committer?.submit('k', 'late');
      await new Promise((resolve) => setTimeout(resolve, 20));
      await tx.writeRows(
        ENV,
        items.map((item) => stock(item)),
      );
      return [...items];
    };
    committer = new GroupCommitter(store, handler);
    await committer.drain();
    void committer.submit('k', 'a');
    void committer.submit('k', 'b');
    await committer.drain();
    expect(batches).toEqual([['a', 'b'], ['late']]);
    expect(await storedProducts()).toEqual(['a', 'b', 'late']);
  });

  it('a transaction that throws after writing leaves nothing written', async () => {
    const handler: BatchHandler<string, string> = async (tx, items) => {
      await tx.writeRows(
        ENV,
        items.map((item) => stock(item)),
      );
      if (items.includes('bad')) throw new Error('rejected after writing');
      return [...items];
    };
    const committer = new GroupCommitter(store, handler);
    const failed = Promise.allSettled([committer.submit('k', 'a'), committer.submit('k', 'bad')]);
    expect((await failed).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await storedProducts()).toEqual([]);
    expect(await committer.submit('k', 'c')).toBe('c');
    expect(await storedProducts()).toEqual(['c']);
  });

  it('with lanes (a partitioned store), each lane commits its own batches, in its own arrival order', async () => {
    const { batches, handler } = recorder();
    const lane = (lockKey: string) => lockKey.slice(0, 1);
    const committer = new GroupCommitter(store, handler, undefined, undefined, lane);
    const submitted = [
      ['x1', 'a'],
      ['y1', 'b'],
      ['x2', 'c'],
      ['y2', 'd'],
    ].map(([key, item]) => committer.submit(key as string, item as string));
    await Promise.all(submitted);
    expect(batches.map((b) => b.join('')).sort()).toEqual(['ac', 'bd']);
    expect(await storedProducts()).toEqual(['a', 'b', 'c', 'd']);
    await committer.drain();
  });
});
