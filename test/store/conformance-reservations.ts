import { expect } from 'vitest';
import { MAX_STORED_QTY } from '../../src/domain/quantity.js';
import type { ReservationRecord, Store } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { byId, ENV, entry, OTHER, reservation, settle, UNIT } from './fixtures.js';
import { reservationAccess } from './reservation-access.js';

/**
 * The conformance tests of soft reservations (reading them back, open and due reservations, expiry,
 * transactions), part of describeStoreConformance (conformance.ts), which calls this inside its
 * describe block. `current` returns the migrated store of the running test.
 */
export function describeReservationConformance(test: DefineTest, current: () => Store): void {
  const { writeReservations, readReservations, readOpen, at, L2 } = reservationAccess(current);

  test('hasOpenReservations tells whether an open reservation uses a measure in an environment', async () => {
    const store = current();
    expect(await store.hasOpenReservations(ENV, 'iv', 'softreserved')).toBe(false);
    await writeReservations(ENV, [
      reservation({ reservationId: 'closed', remaining: 0n, status: 'released' }),
      reservation({ reservationId: 'other-measure', dataSource: 'iv', measure: 'held' }),
    ]);
    expect(await store.hasOpenReservations(ENV, 'iv', 'softreserved')).toBe(false);
    expect(await store.hasOpenReservations(ENV, 'iv', 'held')).toBe(true);
    await writeReservations(OTHER, [reservation({ reservationId: 'elsewhere' })]);
    expect(await store.hasOpenReservations(ENV, 'iv', 'softreserved')).toBe(false);
    expect(await store.hasOpenReservations(OTHER, 'iv', 'softreserved')).toBe(true);
  });

  test('reservations read back exactly by id: exact bigints, unicode ids, with and without expiry', async () => {
    const store = current();
    const records = [
      reservation(),
      reservation({
        reservationId: '予約-🚀-é',
        organizationId: 'Örg-東京',
        productId: '製品-ß',
        dimensions: { colorid: 'rouge-ÿ-🎨', locationid: 'l-é', siteid: 'サイト' },
        partitionId: 'Örg-東京~サイト~l-é',
        quantity: 123456789012345678n,
        remaining: 123456789012345677n,
        expiresAt: '2024-05-01T10:15:00.123Z',
        eventId: 'ereignis-🚀',
      }),
      reservation({
        reservationId: 'r-max',
        quantity: MAX_STORED_QTY,
        remaining: MAX_STORED_QTY,
        dimensions: {},
      }),
      reservation({ reservationId: 'r-done', remaining: 0n, status: 'released', updatedAt: at('10:05:00') }),
      reservation({
        reservationId: 'r-expired',
        remaining: 0n,
        status: 'expired',
        expiresAt: at('10:01:00'),
      }),
    ];
    await writeReservations(ENV, records);
    for (const r of records) expect(await store.getReservation(ENV, r.reservationId)).toEqual(r);
    expect(await store.getReservation(ENV, 'missing')).toBeUndefined();
    expect(await store.getReservation(OTHER, 'r1')).toBeUndefined();
    const ids = [...records.map((r) => r.reservationId), 'missing'];
    expect(byId(await readReservations(ENV, ids))).toEqual(byId(records));
    expect(await readReservations(ENV, [])).toEqual([]);
    expect(await readReservations(OTHER, ids)).toEqual([]);
    const [first, second] = records as [ReservationRecord, ReservationRecord];
    const replaced = {
      ...second,
      remaining: 0n,
      status: 'released' as const,
      expiresAt: null,
      updatedAt: at('11:00:00'),
    };
    await writeReservations(ENV, [replaced]);
    const reread = await readReservations(ENV, [
      second.reservationId,
      first.reservationId,
      first.reservationId,
    ]);
    expect(byId(reread)).toEqual(byId([first, replaced]));
    expect(await store.getReservation(ENV, second.reservationId)).toEqual(replaced);
  });

  test('readOpenReservations returns the open reservations of one product in one partition, oldest first', async () => {
    const newest = reservation({ reservationId: 'b', createdAt: at('10:02:00') });
    const oldest = reservation({ reservationId: 'z', createdAt: at('10:01:00') });
    const tied = reservation({ reservationId: 'a', createdAt: at('10:02:00') });
    const spent = reservation({
      reservationId: 'c',
      createdAt: at('10:00:00'),
      remaining: 0n,
      status: 'released',
    });
    const otherProduct = reservation({ reservationId: 'p2', productId: 'p2' });
    const otherPartition = reservation({ reservationId: 'l2', ...L2 });
    const otherOrg = reservation({ reservationId: 'o2', organizationId: 'org2' });
    await writeReservations(ENV, [newest, spent, otherProduct, oldest, otherPartition, tied, otherOrg]);
    await writeReservations(OTHER, [reservation({ reservationId: 'env-b' })]);
    expect(await readOpen(ENV, 'org1', 'p1', 'org1~s1~l1')).toEqual([oldest, tied, newest]);
    expect(await readOpen(ENV, 'org1', 'p2', 'org1~s1~l1')).toEqual([otherProduct]);
    expect(await readOpen(ENV, 'org1', 'p1', 'org1~s1~l2')).toEqual([otherPartition]);
    expect(await readOpen(ENV, 'org2', 'p1', 'org1~s1~l1')).toEqual([otherOrg]);
    expect(await readOpen(ENV, 'org1', 'p9', 'org1~s1~l1')).toEqual([]);
    const drained = { ...tied, remaining: 0n, status: 'released' as const };
    const reopened = { ...spent, remaining: 1n, status: 'open' as const };
    await writeReservations(ENV, [drained, reopened]);
    expect(await readOpen(ENV, 'org1', 'p1', 'org1~s1~l1')).toEqual([reopened, oldest, newest]);
  });

  test('listDueReservations returns open reservations of every environment due at a time, earliest first', async () => {
    const store = current();
    const now = at('12:00:00');
    const a1 = reservation({ reservationId: 'a1', expiresAt: at('11:00:00') });
    const a2 = reservation({ reservationId: 'a2', expiresAt: now });
    const late = reservation({ reservationId: 'late', expiresAt: '2024-05-01T12:00:00.001Z' });
    const never = reservation({ reservationId: 'never', expiresAt: null });
    const spent = reservation({
      reservationId: 'spent',
      expiresAt: at('09:00:00'),
      remaining: 0n,
      status: 'expired',
    });
    const b1 = reservation({ reservationId: 'b1', expiresAt: at('11:30:00'), productId: 'p2' });
    const b2 = reservation({ reservationId: 'b2', expiresAt: at('09:30:00'), ...L2 });
    await writeReservations(ENV, [late, a2, never, a1, spent]);
    await writeReservations(OTHER, [b1, b2]);
    const inEnv = (environmentId: string, r: ReservationRecord) => ({ ...r, environmentId });
    const due = [inEnv(OTHER, b2), inEnv(ENV, a1), inEnv(OTHER, b1), inEnv(ENV, a2)];
    expect(await store.listDueReservations(now, 100)).toEqual(due);
    expect(await store.listDueReservations(now, 2)).toEqual(due.slice(0, 2));
    expect(await store.listDueReservations(at('09:00:00'), 100)).toEqual([]);
    expect(await store.listDueReservations('2024-05-02T00:00:00.000Z', 100)).toEqual([
      ...due,
      inEnv(ENV, late),
    ]);
    await writeReservations(ENV, [{ ...a1, remaining: 0n, status: 'expired' }]);
    expect(await store.listDueReservations(now, 100)).toEqual([due[0], due[2], due[3]]);
  });

  test('nextExpiry is the earliest expiry of an open reservation in any environment', async () => {
    const store = current();
    expect(await store.nextExpiry()).toBeNull();
    await writeReservations(ENV, [reservation({ expiresAt: null })]);
    expect(await store.nextExpiry()).toBeNull();
    const spent = reservation({
      reservationId: 'spent',
      expiresAt: at('09:00:00'),
      remaining: 0n,
      status: 'released',
    });
    await writeReservations(ENV, [reservation({ reservationId: 'a', expiresAt: at('12:00:00') }), spent]);
    expect(await store.nextExpiry()).toBe(at('12:00:00'));
    const b = reservation({ reservationId: 'b', expiresAt: at('11:00:00') });
    await writeReservations(OTHER, [b]);
    expect(await store.nextExpiry()).toBe(at('11:00:00'));
    await writeReservations(OTHER, [{ ...b, remaining: 0n, status: 'expired' }]);
    expect(await store.nextExpiry()).toBe(at('12:00:00'));
  });

  test('reservation writes inside a rolled-back transaction leave nothing behind', async () => {
    const store = current();
    const kept = reservation({ reservationId: 'kept', expiresAt: at('12:00:00') });
    await writeReservations(ENV, [kept]);
    const boom = new Error('boom');
    const outcome = await settle(
      store.transaction(['k'], async (tx) => {
        await tx.writeReservations(ENV, [
          reservation({ expiresAt: at('10:30:00') }),
          { ...kept, remaining: 0n, status: 'released' },
        ]);
        await tx.appendLedger([entry({ reference: 'r1' })]);
        expect(await tx.readReservations(ENV, ['r1'])).toHaveLength(1);
        throw boom;
      }),
    );
    expect(outcome).toEqual({ ok: false, error: boom });
    expect(await store.getReservation(ENV, 'r1')).toBeUndefined();
    expect(await store.getReservation(ENV, 'kept')).toEqual(kept);
    expect(await readReservations(ENV, ['r1', 'kept'])).toEqual([kept]);
    expect(await readOpen(ENV, 'org1', 'p1', 'org1~s1~l1')).toEqual([kept]);
    expect(await store.nextExpiry()).toBe(at('12:00:00'));
    expect(await store.listDueReservations(at('11:00:00'), 10)).toEqual([]);
    expect(await store.readLedgerByReference(ENV, 'r1', 10)).toEqual([]);
  });

  test('a reservation written within a transaction is visible to later reads of that transaction', async () => {
    const r = reservation({ remaining: UNIT });
    const seen = await current().transaction(['k'], async (tx) => {
      await tx.writeReservations(ENV, [r]);
      return [
        await tx.readReservations(ENV, ['r1']),
        await tx.readOpenReservations(ENV, 'org1', 'p1', 'org1~s1~l1'),
      ];
    });
    expect(seen).toEqual([[r], [r]]);
  });
}
