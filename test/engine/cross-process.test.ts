import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimensionsKey } from '../../src/domain/dimensions.js';
import type { OnHandInput } from '../../src/domain/onhand-command.js';
import { Engine } from '../../src/engine/engine.js';
import { GroupCommitter } from '../../src/engine/group-commit.js';
import type { ItemOutcome } from '../../src/engine/outcome.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { LedgerRecord, StockKey, Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';

/**
 * Design rules 1 and 2 across processes: two engines on one PostgreSQL database, each with its own
 * group committers and connection pool, exactly like two Onhand processes behind a load balancer.
 * (SQLite has a single writer per file, so these races cannot happen there.)
 */

const ENV = 'test';
const ORG = 'usmf';
const hasPostgres = testBackends().includes('postgres');

describe.skipIf(!hasPostgres)('two processes sharing one PostgreSQL database', () => {
  let h: Harness;
  let storeB: Store;
  let engineA: Engine;
  let engineB: Engine;

  beforeAll(async () => {
    h = await startHarness({ backend: 'postgres' });
    const url = h.settings.databaseUrl;
    if (url === undefined) throw new Error('the postgres harness has no database URL');
    storeB = await PostgresStore.connect({ connectionString: url });
    await storeB.migrate();
    engineA = h.services.engine;
    engineB = new Engine({ store: storeB, clock: () => new Date(), limits: h.settings.limits });
  });
  afterAll(async () => {
    await engineB?.drain();
    await storeB?.close();
    await h?.close();
  });

  function change(engine: Engine, inputs: readonly Record<string, unknown>[]): Promise<ItemOutcome[]> {
    return engine.changeOnHand(
      ENV,
      inputs.map((input, i) => ({ input: input as unknown as OnHandInput, path: `/${i}` })),
    );
  }

  function event(id: string, productId: string, siteId: string, inbound: number): Record<string, unknown> {
    return tshirtEvent(id, {
      productId,
      dimensions: { siteId, locationId: '11' },
      quantities: { pos: { inbound } },
    });
  }

  async function wholeLedger(): Promise<LedgerRecord[]> {
    const entries: LedgerRecord[] = [];
    for (;;) {
      const page = await h.services.store.readLedger(ENV, entries.at(-1)?.seq ?? 0, 1000);
      entries.push(...page);
      if (page.length < 1000) return entries;
    }
  }

  const keyOf = (k: StockKey) =>
    [k.organizationId, k.productId, dimensionsKey(k.dimensions), k.dataSource, k.measure].join('|');

  /** Stored quantities (zeros left out) and the replay of the ledger, per stock key. */
  async function storedAndReplayed(): Promise<{
    stored: Map<string, bigint>;
    replayed: Map<string, bigint>;
  }> {
    const stored = new Map<string, bigint>();
    for (const row of await h.services.store.readStock(ENV, { organizationIds: [ORG] })) {
      if (row.quantity !== 0n) stored.set(keyOf(row), row.quantity);
    }
    const replayed = new Map<string, bigint>();
    for (const entry of await wholeLedger()) {
      for (const change of entry.changes) {
        const key = keyOf(change);
        const sum = (replayed.get(key) ?? 0n) + change.delta;
        if (sum === 0n) replayed.delete(key);
        else replayed.set(key, sum);
      }
    }
    return { stored, replayed };
  }

  it('when one event id is sent with two bodies for two partitions at once, one applies and the other is a conflict', async () => {
    for (let round = 0; round < 20; round++) {
      const id = `same-id-${round}`;
      // Each call also carries an event of its own: it shares the batch that may fail on the
      // duplicate id, and must apply all the same.
      const [fromA, fromB] = await Promise.all([
        change(engineA, [event(id, 'T-shirt', '1', 1), event(`own-a-${round}`, 'Cap', '1', 2)]),
        change(engineB, [event(id, 'T-shirt', '2', 3), event(`own-b-${round}`, 'Cap', '2', 4)]),
      ]);
      const sameId = [fromA[0]?.status, fromB[0]?.status].sort();
      expect(sameId, `round ${round}`).toEqual(['conflict', 'success']);
      expect(fromA[1]?.status, `round ${round}`).toBe('success');
      expect(fromB[1]?.status, `round ${round}`).toBe('success');
    }
    const ledger = await wholeLedger();
    for (let round = 0; round < 20; round++) {
      for (const id of [`same-id-${round}`, `own-a-${round}`, `own-b-${round}`]) {
        expect(
          ledger.filter((e) => e.family === 'onhand' && e.eventId === id),
          id,
        ).toHaveLength(1);
      }
    }
    const { stored, replayed } = await storedAndReplayed();
    expect(stored).toEqual(replayed);
  });

  it('when a partition is cleaned up in one process while another writes to its products, the stored state equals the ledger replay', async () => {
    const partitionId = `${ORG}~9~11`;
    const products = Array.from({ length: 8 }, (_, i) => `P${i}`);
    for (let round = 0; round < 6; round++) {
      const seeded = await change(
        engineB,
        products.map((p) => event(`seed-${round}-${p}`, p, '9', 10)),
      );
      expect(seeded.every((o) => o.status === 'success')).toBe(true);
      let stop = false;
      let sent = 0;
      const writeUntilStopped = async () => {
        while (!stop) {
          const batch = products.map((p) => event(`w-${round}-${sent++}`, p, '9', 1));
          const outcomes = await change(engineB, batch);
          expect(outcomes.every((o) => o.status === 'success')).toBe(true);
        }
      };
      // Two loops keep engine B's queue full, so a batch is always reading or writing the products.
      const writers = [writeUntilStopped(), writeUntilStopped()];
      await new Promise((resolve) => setTimeout(resolve, 5 + round * 3));
      const result = await engineA.partitions.cleanup(ENV, [partitionId]);
      expect(result.deletedPartitions).toEqual([partitionId]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      stop = true;
      await Promise.all(writers);

      // Replaying the ledger gives the stored state: a row deleted by the cleanup and written back
      // by a write that had read it before would hold more than its ledger explains.
      const { stored, replayed } = await storedAndReplayed();
      expect(stored, `round ${round}`).toEqual(replayed);

      // Every row of the partition that exists now is explained by writes after the cleanup.
      const ledger = await wholeLedger();
      const cleanupSeq = Math.max(
        ...ledger
          .filter((e) => e.kind === 'partition.cleanup' && e.partitionId === partitionId)
          .map((e) => e.seq),
      );
      const after = new Map<string, bigint>();
      for (const entry of ledger.filter((e) => e.seq > cleanupSeq && e.partitionId === partitionId)) {
        for (const c of entry.changes) after.set(keyOf(c), (after.get(keyOf(c)) ?? 0n) + c.delta);
      }
      const rows = await h.services.store.readStock(ENV, {
        organizationIds: [ORG],
        siteIds: ['9'],
        locationIds: ['11'],
      });
      for (const row of rows) expect(row.quantity, keyOf(row)).toBe(after.get(keyOf(row)) ?? 0n);
    }
  });
});

if (!hasPostgres) {
  describe('two processes sharing one PostgreSQL database', () => {
    it.skip('skipped: set ONHAND_TEST_POSTGRES_URL to run the cross-process tests', () => {});
  });
}

describe('a batch that fails on a unique key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onhand-cross-process-'));
  let store: SqliteStore;
  beforeAll(async () => {
    store = SqliteStore.open({ file: join(dir, 'store.db') });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const uniqueViolation = () => Object.assign(new Error('UNIQUE constraint failed'), { code: '23505' });

  it('is run again in a new transaction, and its items learn the result of the run that committed', async () => {
    let calls = 0;
    const committer = new GroupCommitter<string, string>(store, async (_tx, items) => {
      calls++;
      if (calls === 1) throw uniqueViolation();
      return items.map((item) => `${item}@${calls}`);
    });
    const results = await Promise.all([committer.submit('k1', 'a'), committer.submit('k2', 'b')]);
    expect(results).toEqual(['a@2', 'b@2']);
    expect(calls).toBe(2);
  });

  it('fails after two more attempts, and any other error fails at once', async () => {
    let calls = 0;
    const always = new GroupCommitter<string, string>(store, async () => {
      calls++;
      throw uniqueViolation();
    });
    await expect(always.submit('k', 'a')).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(3);
    let otherCalls = 0;
    const other = new GroupCommitter<string, string>(store, async () => {
      otherCalls++;
      throw Object.assign(new Error('check failed'), { code: '23514' });
    });
    await expect(other.submit('k', 'a')).rejects.toMatchObject({ code: '23514' });
    expect(otherCalls).toBe(1);
  });
});
