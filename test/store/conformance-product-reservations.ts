import { expect } from 'vitest';
import type { ReservationRecord, Store } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ENV, OTHER, reservation } from './fixtures.js';

/**
 * Conformance of listProductReservations (the dashboard's product page), part of
 * describeStoreConformance (conformance.ts). `current` returns the migrated store of the running test.
 */
export function describeProductReservationConformance(test: DefineTest, current: () => Store): void {
  const write = (env: string, records: readonly ReservationRecord[]) =>
    current().transaction(['k'], (tx) => tx.writeReservations(env, records));
  const at = (time: string) => `2024-05-01T${time}.000Z`;

  test('listProductReservations lists the open reservations of one product in every partition, oldest first', async () => {
    const store = current();
    const oldest = reservation({ reservationId: 'r-b', createdAt: at('09:00:00') });
    const tieFirst = reservation({
      reservationId: 'r-a',
      partitionId: 'org1~s2~l9',
      dimensions: { locationid: 'l9', siteid: 's2' },
      createdAt: at('10:00:00'),
      expiresAt: at('12:00:00'),
    });
    const tieSecond = reservation({ reservationId: 'r-c', createdAt: at('10:00:00'), remaining: 1n });
    await write(ENV, [
      tieSecond,
      tieFirst,
      oldest,
      reservation({ reservationId: 'r-closed', remaining: 0n, status: 'released' }),
      reservation({ reservationId: 'r-other-product', productId: 'p2' }),
      reservation({ reservationId: 'r-other-org', organizationId: 'org2', partitionId: 'org2~s1~l1' }),
    ]);
    await write(OTHER, [reservation({ reservationId: 'r-other-env' })]);

    expect(await store.listProductReservations(ENV, 'org1', 'p1', 10)).toEqual([oldest, tieFirst, tieSecond]);
    expect(await store.listProductReservations(ENV, 'org1', 'p1', 2)).toEqual([oldest, tieFirst]);
    expect(await store.listProductReservations(ENV, 'org1', 'p2', 10)).toEqual([
      reservation({ reservationId: 'r-other-product', productId: 'p2' }),
    ]);
    expect(await store.listProductReservations(ENV, 'org1', 'missing', 10)).toEqual([]);
    expect(await store.listProductReservations(OTHER, 'org1', 'p1', 10)).toEqual([
      reservation({ reservationId: 'r-other-env' }),
    ]);
  });
}
