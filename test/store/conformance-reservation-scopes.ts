import { expect } from 'vitest';
import type { LedgerEntry, StockRow, Store } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ENV, entry, OTHER, ordered, reservation, row } from './fixtures.js';
import { reservationAccess } from './reservation-access.js';

/**
 * The conformance tests of what reservation paths read and delete by scope (the reservations and stock
 * rows of named products and partitions) and of ledger references, part of describeStoreConformance
 * (conformance.ts), which calls this inside its describe block. `current` returns the migrated store of
 * the running test.
 */
export function describeReservationScopeConformance(test: DefineTest, current: () => Store): void {
  const { writeReservations, readReservations, readOpen, at, L2 } = reservationAccess(current);

  test('readScopesDueReservations returns the open reservations of the named products, each in its partition, due at a time, oldest first', async () => {
    const readDue = (scopes: { productId: string; partitionId: string }[], now: string) =>
      current().transaction(['k'], (tx) =>
        tx.readScopesDueReservations(
          ENV,
          scopes.map((s) => ({ organizationId: 'org1', ...s })),
          now,
        ),
      );
    const late = reservation({ reservationId: 'late', createdAt: at('10:02:00'), expiresAt: at('11:00:00') });
    const early = reservation({
      reservationId: 'early',
      createdAt: at('10:01:00'),
      expiresAt: at('11:30:00'),
    });
    const exactlyNow = reservation({
      reservationId: 'now',
      createdAt: at('10:03:00'),
      expiresAt: at('12:00:00'),
    });
    const future = reservation({ reservationId: 'future', expiresAt: at('12:00:01') });
    const never = reservation({ reservationId: 'never', expiresAt: null });
    const spent = reservation({
      reservationId: 'spent',
      expiresAt: at('09:00:00'),
      remaining: 0n,
      status: 'expired',
    });
    const otherProduct = reservation({
      reservationId: 'p2',
      productId: 'p2',
      createdAt: at('10:01:30'),
      expiresAt: at('09:00:00'),
    });
    const otherPartition = reservation({ reservationId: 'l2', ...L2, expiresAt: at('09:00:00') });
    await writeReservations(ENV, [
      late,
      early,
      exactlyNow,
      future,
      never,
      spent,
      otherProduct,
      otherPartition,
    ]);
    await writeReservations(OTHER, [reservation({ reservationId: 'env-b', expiresAt: at('09:00:00') })]);
    const P1 = { productId: 'p1', partitionId: 'org1~s1~l1' };
    const P2 = { productId: 'p2', partitionId: 'org1~s1~l1' };
    expect(await readDue([P1], at('12:00:00'))).toEqual([early, late, exactlyNow]);
    expect(await readDue([P1], at('10:00:00'))).toEqual([]);
    expect(await readDue([P1, P2], at('12:00:00'))).toEqual([early, otherProduct, late, exactlyNow]);
    expect(await readDue([{ productId: 'p1', partitionId: 'org1~s1~l2' }], at('12:00:00'))).toEqual([
      otherPartition,
    ]);
    expect(await readDue([], at('12:00:00'))).toEqual([]);
  });

  test('readScopesRows returns every stock row of the named products, each in its partition', async () => {
    const store = current();
    const rows = [
      row({ productId: 'p1' }),
      row({ productId: 'p1', dataSource: 'pos', measure: 'outbound' }),
      row({ productId: 'p2' }),
      row({ productId: 'p1', ...L2 }),
      row({ productId: 'p3' }),
    ];
    await store.transaction(['k'], (tx) => tx.writeRows(ENV, rows));
    await store.transaction(['k'], (tx) => tx.writeRows(OTHER, [row({ productId: 'p1' })]));
    const read = (scopes: { productId: string; partitionId: string }[]) =>
      store.transaction(['k'], (tx) =>
        tx.readScopesRows(
          ENV,
          scopes.map((s) => ({ organizationId: 'org1', ...s })),
        ),
      );
    const key = (r: StockRow) => `${r.productId} ${r.partitionId} ${r.dataSource}.${r.measure}`;
    const sorted = (list: StockRow[]) => [...list].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(
      sorted(
        await read([
          { productId: 'p1', partitionId: 'org1~s1~l1' },
          { productId: 'p2', partitionId: 'org1~s1~l1' },
        ]),
      ),
    ).toEqual(sorted([rows[0], rows[1], rows[2]] as StockRow[]));
    expect(await read([{ productId: 'p1', partitionId: 'org1~s1~l2' }])).toEqual([rows[3]]);
    expect(await read([])).toEqual([]);
  });

  test('readProductRows returns every stock row of one product in one partition only', async () => {
    const store = current();
    const wanted = [
      row(),
      row({ measure: 'outbound', quantity: -7n }),
      row({ dimensions: { colorid: 'red', locationid: 'l1', siteid: 's1' }, quantity: 123456789012345678n }),
    ];
    const others: StockRow[] = [
      row({ productId: 'p2' }),
      row({ ...L2 }),
      row({ organizationId: 'org2' }),
      row({ productId: 'p10' }),
    ];
    await store.transaction(['k'], async (tx) => {
      await tx.writeRows(ENV, [...others, ...wanted]);
      await tx.writeRows(OTHER, [row({ measure: 'other-env' })]);
    });
    const read = (org: string, product: string, partition: string) =>
      store.transaction(['k'], (tx) => tx.readProductRows(ENV, org, product, partition));
    expect(ordered(await read('org1', 'p1', 'org1~s1~l1'))).toEqual(ordered(wanted));
    expect(await read('org1', 'p1', 'org1~s1~l2')).toEqual([row({ ...L2 })]);
    expect(await read('org1', 'p9', 'org1~s1~l1')).toEqual([]);
    expect(
      await store.transaction(['k'], (tx) => tx.readProductRows('env-c', 'org1', 'p1', 'org1~s1~l1')),
    ).toEqual([]);
  });

  test('deletePartitions also removes the reservations of the named partitions only', async () => {
    const store = current();
    const l1 = [reservation(), reservation({ reservationId: 'r2', remaining: 0n, status: 'released' })];
    const l2 = reservation({ reservationId: 'r3', ...L2 });
    const bare = reservation({ reservationId: 'r4', dimensions: {}, partitionId: 'org1~~' });
    const otherEnv = reservation({ reservationId: 'r1' });
    await store.transaction(['k'], async (tx) => {
      await tx.writeRows(ENV, [row(), row({ ...L2 })]);
      await tx.writeReservations(ENV, [...l1, l2, bare]);
      await tx.writeReservations(OTHER, [otherEnv]);
    });
    const deleted = await store.transaction(['k'], (tx) =>
      tx.deletePartitions(ENV, ['org1~s1~l1', 'org1~~']),
    );
    expect(deleted).toEqual([row()]);
    expect(await readReservations(ENV, ['r1', 'r2', 'r3', 'r4'])).toEqual([l2]);
    expect(await store.getReservation(ENV, 'r1')).toBeUndefined();
    expect(await store.getReservation(OTHER, 'r1')).toEqual(otherEnv);
    expect(await readOpen(ENV, 'org1', 'p1', 'org1~s1~l1')).toEqual([]);
    expect(await readOpen(OTHER, 'org1', 'p1', 'org1~s1~l1')).toEqual([otherEnv]);
    expect(await store.transaction(['k'], (tx) => tx.deletePartitions(ENV, ['org1~s1~l2']))).toEqual([
      row({ ...L2 }),
    ]);
    expect(await store.getReservation(ENV, 'r3')).toBeUndefined();
  });

  test('readLedgerByReference returns the entries of one reference in one environment, in seq order', async () => {
    const store = current();
    const entries: LedgerEntry[] = [
      entry({ eventId: 'e1', reference: 'r1' }),
      entry({ eventId: 'e2', reference: 'r2' }),
      entry({ eventId: 'e3', reference: null }),
      entry({ eventId: null, family: 'expiry', kind: 'reservation.expire', reference: 'r1', changes: [] }),
      entry({ environmentId: OTHER, eventId: 'e5', reference: 'r1' }),
      entry({ eventId: 'e6', reference: '予約-🚀-é' }),
    ];
    const seqs = await store.transaction(['k'], (tx) => tx.appendLedger(entries));
    const [e1, e2, e3, e4, e5, e6] = entries.map((e, i) => ({ ...e, seq: seqs[i] ?? 0 }));
    expect(await store.readLedgerByReference(ENV, 'r1', 10)).toEqual([e1, e4]);
    expect(await store.readLedgerByReference(ENV, 'r1', 1)).toEqual([e1]);
    expect(await store.readLedgerByReference(OTHER, 'r1', 10)).toEqual([e5]);
    expect(await store.readLedgerByReference(ENV, '予約-🚀-é', 10)).toEqual([e6]);
    expect(await store.readLedgerByReference(ENV, 'R1', 10)).toEqual([]);
    expect(await store.readLedgerByReference(ENV, 'null', 10)).toEqual([]);
    expect(await store.readLedger(ENV, 0, 10)).toEqual([e1, e2, e3, e4, e6]);
    const found = await store.transaction(['k'], (tx) => tx.findEvents(ENV, 'change', ['e1', 'e2']));
    expect([...found.keys()].sort()).toEqual(['e1', 'e2']);
  });
}
