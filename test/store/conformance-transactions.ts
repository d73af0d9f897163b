import { expect } from 'vitest';
import type { Store, StoreTx } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import {
  ALL_ORGS,
  client,
  ENV,
  entry,
  environment,
  gate,
  keyOf,
  OTHER,
  reservation,
  row,
  settle,
  sleep,
  storeCalls,
  UNIT,
} from './fixtures.js';

/**
 * Transactions (commit, rollback, isolation, lock keys, use after the end) and the ledger (order,
 * cursors, event ids per environment and family) of the Store port (part of conformance.ts's suite).
 */
export function describeTransactionAndLedgerConformance(test: DefineTest, store: () => Store): void {
  const { write, append, findEvents } = storeCalls(store);

  // Transactions

  test('a transaction resolves with the value its function returns', async () => {
    expect(await store().transaction(['k'], async () => 42)).toBe(42);
  });

  test('a read outside a transaction does not see its writes until it commits', async () => {
    const written = gate();
    const release = gate();
    const done = settle(
      store().transaction(['k'], async (tx) => {
        await tx.writeRows(ENV, [row()]);
        await tx.appendLedger([entry({ reference: 'r1' })]);
        await tx.writeReservations(ENV, [reservation({ expiresAt: '2024-05-01T11:00:00.000Z' })]);
        written.open();
        await release.opened;
      }),
    );
    await written.opened;
    const seen = await settle(
      Promise.all([
        store().readStock(ENV, ALL_ORGS),
        store().hasStock(ENV),
        store().listPartitionIds(ENV),
        store().readLedger(ENV, 0, 10),
        store().readLedgerByReference(ENV, 'r1', 10),
        store().getReservation(ENV, 'r1'),
        store().listDueReservations('2024-05-02T00:00:00.000Z', 10),
        store().nextExpiry(),
      ]),
    );
    release.open(); // before asserting, so a failure cannot leave the transaction open
    expect(seen).toEqual({ ok: true, value: [[], false, [], [], [], undefined, [], null] });
    expect((await done).ok).toBe(true);
    expect(await store().readStock(ENV, ALL_ORGS)).toEqual([row()]);
    expect(await store().readLedger(ENV, 0, 10)).toHaveLength(1);
    expect(await store().readLedgerByReference(ENV, 'r1', 10)).toHaveLength(1);
    expect(await store().getReservation(ENV, 'r1')).toEqual(
      reservation({ expiresAt: '2024-05-01T11:00:00.000Z' }),
    );
  });

  test('when the function throws, the transaction rejects with that error and writes nothing', async () => {
    const boom = new Error('boom');
    const outcome = await settle(
      store().transaction(['k'], async (tx) => {
        await tx.writeRows(ENV, [row()]);
        await tx.appendLedger([entry()]);
        throw boom;
      }),
    );
    expect(outcome).toEqual({ ok: false, error: boom });
    expect(await store().hasStock(ENV)).toBe(false);
    expect(await store().readStock(ENV, ALL_ORGS)).toEqual([]);
    expect(await store().readLedger(ENV, 0, 10)).toEqual([]);
    expect((await findEvents(ENV, 'change', ['e1'])).size).toBe(0);
  });

  test('writes made outside a transaction while it is open are not rolled back with it', async () => {
    const started = gate();
    const release = gate();
    const done = settle(
      store().transaction(['k'], async (tx) => {
        await tx.writeRows(ENV, [row()]);
        started.open();
        await release.opened;
        throw new Error('abort');
      }),
    );
    await started.opened;
    const created = settle(store().createClient(client()));
    const saved = settle(store().saveEnvironment(environment()));
    release.open();
    expect((await done).ok).toBe(false);
    expect(await created).toEqual({ ok: true, value: true });
    expect(await saved).toEqual({ ok: true, value: true });
    expect(await store().getClient('client-1')).toEqual(client());
    expect(await store().getEnvironment(ENV)).toEqual(environment());
    expect(await store().hasStock(ENV)).toBe(false);
  });

  test('transactions on the same lock key run one after the other', async () => {
    await write(ENV, [row({ quantity: 0n })]);
    const trace: string[] = [];
    const increment = (n: number) =>
      store().transaction(['env-a~org1~p1~org1%7Es1%7El1'], async (tx) => {
        trace.push(`start ${n}`);
        const [current] = await tx.readRows(ENV, [keyOf(row())]);
        await sleep(10);
        await tx.writeRows(ENV, [row({ quantity: (current?.quantity ?? 0n) + UNIT })]);
        trace.push(`end ${n}`);
      });
    await Promise.all(Array.from({ length: 10 }, (_, n) => increment(n)));
    expect(await store().readStock(ENV, ALL_ORGS)).toEqual([row({ quantity: 10n * UNIT })]);
    for (let i = 0; i < trace.length; i += 2) {
      expect(trace[i]?.replace('start', 'end')).toBe(trace[i + 1]);
    }
  });

  test('a transaction object cannot be used after its transaction ended', async () => {
    let committed: StoreTx | undefined;
    let rolledBack: StoreTx | undefined;
    await store().transaction(['k'], async (tx) => {
      committed = tx;
    });
    await settle(
      store().transaction(['k'], async (tx) => {
        rolledBack = tx;
        throw new Error('abort');
      }),
    );
    for (const tx of [committed, rolledBack]) {
      expect(tx).toBeDefined();
      await expect(tx?.writeRows(ENV, [row()])).rejects.toThrow();
      await expect(tx?.appendLedger([entry()])).rejects.toThrow();
      await expect(tx?.readRows(ENV, [keyOf(row())])).rejects.toThrow();
      await expect(tx?.readProductRows(ENV, 'org1', 'p1', 'org1~s1~l1')).rejects.toThrow();
      await expect(tx?.writeReservations(ENV, [reservation()])).rejects.toThrow();
      await expect(tx?.readReservations(ENV, ['r1'])).rejects.toThrow();
      await expect(tx?.readOpenReservations(ENV, 'org1', 'p1', 'org1~s1~l1')).rejects.toThrow();
    }
    expect(await store().hasStock(ENV)).toBe(false);
    expect(await store().readLedger(ENV, 0, 10)).toEqual([]);
    expect(await store().getReservation(ENV, 'r1')).toBeUndefined();
  });

  // The ledger

  test('ledger entries read back exactly, in sequence order, after a cursor and up to a limit', async () => {
    const first = [entry(), entry({ eventId: null, family: 'cleanup', kind: 'cleanup', changes: [] })];
    const second = [
      entry({ eventId: 'e2', request: null, outcome: ['a', { b: 1.5 }] }),
      entry({ eventId: null }),
    ];
    const seqs1 = await append(first);
    const seqs2 = await append(second);
    const seqs = [...seqs1, ...seqs2];
    expect(seqs).toHaveLength(4);
    expect(seqs[0]).toBeGreaterThan(0);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] ?? 0);
    const records = [...first, ...second].map((e, i) => ({ ...e, seq: seqs[i] }));
    expect(await store().readLedger(ENV, 0, 100)).toEqual(records);
    expect(await store().readLedger(ENV, seqs[1] ?? 0, 100)).toEqual(records.slice(2));
    expect(await store().readLedger(ENV, 0, 1)).toEqual(records.slice(0, 1));
    expect(await store().readLedger(ENV, seqs[3] ?? 0, 100)).toEqual([]);
  });

  test('findEvents returns the seq, body hash and outcome of recorded event ids only', async () => {
    const seqs = await append([entry(), entry({ eventId: 'e2', bodyHash: 'hash-2', outcome: { n: 2 } })]);
    const found = await findEvents(ENV, 'change', ['e2', 'e1', 'unknown']);
    const commit = expect.any(Number);
    expect(found).toEqual(
      new Map([
        ['e1', { seq: seqs[0], commit, bodyHash: 'hash-1', outcome: entry().outcome }],
        ['e2', { seq: seqs[1], commit, bodyHash: 'hash-2', outcome: { n: 2 } }],
      ]),
    );
    expect((await findEvents(ENV, 'change', [])).size).toBe(0);
    expect((await findEvents(ENV, 'reserve', ['e1'])).size).toBe(0);
  });

  test('a duplicate event id in the same environment and family rejects and rolls back', async () => {
    await append([entry()]);
    const retry = await settle(
      store().transaction(['k'], async (tx) => {
        await tx.writeRows(ENV, [row()]);
        await tx.appendLedger([entry({ bodyHash: 'other' })]);
      }),
    );
    expect(retry.ok).toBe(false);
    const batch = await settle(append([entry({ eventId: 'e9' }), entry({ eventId: 'e9' })]));
    expect(batch.ok).toBe(false);
    expect(await store().hasStock(ENV)).toBe(false);
    const ledger = await store().readLedger(ENV, 0, 10);
    expect(ledger.map((r) => [r.eventId, r.bodyHash])).toEqual([['e1', 'hash-1']]);
  });

  test('the same event id is allowed in another family or another environment', async () => {
    const [a, b, c] = await append([entry(), entry({ family: 'reserve' }), entry({ environmentId: OTHER })]);
    expect((await findEvents(ENV, 'change', ['e1'])).get('e1')?.seq).toBe(a);
    expect((await findEvents(ENV, 'reserve', ['e1'])).get('e1')?.seq).toBe(b);
    expect((await findEvents(OTHER, 'change', ['e1'])).get('e1')?.seq).toBe(c);
  });
}
