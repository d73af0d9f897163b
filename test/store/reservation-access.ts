import type { ReservationRecord, Store } from '../../src/store/store.js';

/**
 * The reservation reads and writes the store conformance suites make, each in a transaction of its own
 * on the running test's store, and their shared fixtures (conformance-reservations.ts,
 * conformance-reservation-scopes.ts).
 */
export function reservationAccess(current: () => Store) {
  return {
    writeReservations: (env: string, records: readonly ReservationRecord[]) =>
      current().transaction(['k'], (tx) => tx.writeReservations(env, records)),
    readReservations: (env: string, ids: readonly string[]) =>
      current().transaction(['k'], (tx) => tx.readReservations(env, ids)),
    readOpen: (env: string, org: string, product: string, partition: string) =>
      current().transaction(['k'], (tx) => tx.readOpenReservations(env, org, product, partition)),
    at: (time: string) => `2024-05-01T${time}.000Z`,
    L2: { dimensions: { locationid: 'l2', siteid: 's1' }, partitionId: 'org1~s1~l2' } as const,
  };
}
