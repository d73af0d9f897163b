import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAtCommit, GroupCommitter } from '../../src/engine/group-commit.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { isUniqueViolation } from '../../src/store/store-errors.js';
import { createTestDatabase } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { reserveBody, stockBody } from '../support/reservation-helpers.js';
import { ALL_ORGS, ENV, entry, keyOf, reservation, row, settle } from './fixtures.js';

/*
 * PostgreSQL transactions are pipelined (src/store/postgres/pipeline.ts): reads started together share
 * one round trip, and a batch's stock and reservation writes and its ledger append travel with COMMIT.
 * These tests check that a failure among statements sent together still fails the whole transaction
 * (nothing written, the error as PostgreSQL gave it, so a unique violation is retried as before), and
 * how many round trips a batch costs.
 */

const postgresUrl = process.env.ONHAND_TEST_POSTGRES_URL ?? '';

async function withStore(test: (store: PostgresStore, other: PostgresStore) => Promise<void>): Promise<void> {
  const database = await createTestDatabase();
  const store = await PostgresStore.connect({ connectionString: database.url });
  const other = await PostgresStore.connect({ connectionString: database.url });
  try {
    await store.migrate();
    await test(store, other);
  } finally {
    await store.close();
    await other.close();
    await database.drop();
  }
}

function describePipeline(): void {
  it('a unique violation of the ledger append sent with COMMIT leaves nothing of the transaction written', () =>
    withStore(async (store) => {
      await store.transaction(['k'], (tx) => tx.appendLedger([entry()]));
      const failed = await settle(
        store.transaction(['k'], async (tx) => {
          await tx.writeRows(ENV, [row({ quantity: 5n })]);
          await tx.writeReservations(ENV, [reservation()]);
          await appendAtCommit(tx, [entry({ eventId: 'e2' }), entry()]);
        }),
      );
      expect(failed.ok).toBe(false);
      expect(!failed.ok && isUniqueViolation(failed.error)).toBe(true);
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([]);
      expect(await store.getReservation(ENV, 'r1')).toBeUndefined();
      expect((await store.readLedger(ENV, 0, 10)).map((e) => e.eventId)).toEqual(['e1']);
      // The connection went back to the pool in a usable state.
      await store.transaction(['k'], (tx) => tx.writeRows(ENV, [row()]));
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([row()]);
    }));

  it('a write that fails fails the statements sent after it and the transaction, even when the caller swallows it', () =>
    withStore(async (store) => {
      const tooLarge = row({ productId: 'p2', quantity: 2n ** 70n });
      const read = await settle(
        store.transaction(['k'], async (tx) => {
          await tx.writeRows(ENV, [row()]);
          await tx.writeRows(ENV, [tooLarge]);
          return tx.readRows(ENV, [keyOf(row())]);
        }),
      );
      expect(read).toMatchObject({ ok: false, error: { code: '22003' } });
      const swallowed = await settle(
        store.transaction(['k'], async (tx) => {
          await tx.writeRows(ENV, [row()]);
          await tx.writeRows(ENV, [tooLarge]);
          await tx.readRows(ENV, [keyOf(row())]).catch(() => []);
          return 'returned';
        }),
      );
      expect(swallowed).toMatchObject({ ok: false, error: { code: '22003' } });
      const atCommit = await settle(
        store.transaction(['k'], async (tx) => {
          await tx.writeRows(ENV, [row()]);
          await tx.writeRows(ENV, [tooLarge]);
        }),
      );
      expect(atCommit).toMatchObject({ ok: false, error: { code: '22003' } });
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([]);
      expect(await store.readLedger(ENV, 0, 10)).toEqual([]);
    }));

  it('a group-commit batch whose event id another process committed meanwhile is run again and answered from the ledger', () =>
    withStore(async (store, other) => {
      let attempts = 0;
      const committer = new GroupCommitter<string, string>(store, async (tx, ids) => {
        attempts++;
        const found = await tx.findEvents(ENV, 'change', ids);
        if (found.has('e1')) return ids.map(() => 'replayed');
        // The other process commits the same event id under another lock key, after this batch looked.
        if (attempts === 1) await other.transaction(['elsewhere'], (o) => o.appendLedger([entry()]));
        await tx.writeRows(ENV, [row({ quantity: 5n })]);
        await appendAtCommit(tx, [entry()]);
        return ids.map(() => 'written');
      });
      expect(await committer.submit('k', 'e1')).toBe('replayed');
      expect(attempts).toBe(2);
      expect(await store.readStock(ENV, ALL_ORGS)).toEqual([]);
      expect((await store.readLedger(ENV, 0, 10)).map((e) => e.eventId)).toEqual(['e1']);
    }));

  describe('round trips per batch, through the API', () => {
    let h: Harness;
    let store: PostgresStore;
    beforeAll(async () => {
      h = await startHarness({ backend: 'postgres' });
      store = h.services.store as PostgresStore;
    });
    afterAll(() => h?.close());

    const post = (path: string, body: unknown) =>
      h.request('POST', `/api/environment/test/onhand${path}`, body);

    /**
     * Round trips of the transactions a request ran: BEGIN with the lock keys, the configuration lock
     * and the versions; the reads; the writes with COMMIT.
     */
    async function roundTrips(send: () => Promise<{ statusCode: number }>): Promise<number> {
      const before = store.roundTrips;
      expect((await send()).statusCode).toBe(200);
      return store.roundTrips - before;
    }

    it('an on-hand change and a reservation take three round trips each (eight and ten before pipelining)', async () => {
      // The first write also reads the ledger's write format (cached for a few seconds after).
      expect((await post('', stockBody('s0', 'p1', { inbound: 10 }))).statusCode).toBe(200);
      expect(await roundTrips(() => post('', stockBody('s1', 'p1', { inbound: 10 })))).toBe(3);
      expect(await roundTrips(() => post('', stockBody('s2', 'p1', { inbound: 10 })))).toBe(3);
      expect(await roundTrips(() => post('/reserve', reserveBody('r1', 'p1', 1)))).toBe(3);
      expect(await roundTrips(() => post('/reserve', reserveBody('r2', 'p1', 1)))).toBe(3);
    });
  });
}

if (postgresUrl !== '') describe('PostgreSQL pipelined transactions', describePipeline);
else
  describe.skip(
    'PostgreSQL pipelined transactions [skipped: set ONHAND_TEST_POSTGRES_URL]',
    describePipeline,
  );
