import type { LedgerEntry, Observed } from '../../soak/checker/model.js';
import { DIMS, entry, record, TUPLE } from './checker-fixture.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
export type Run = Mutable<Observed> & { ledger: LedgerEntry[] };

/** A recorded run that breaks one promise: how to break it, and the check that must catch it. */
export const BROKEN: readonly [string, string, (run: Run) => void][] = [
  [
    'a server crashed on its own',
    'no server exited on its own',
    (r) => {
      r.crashes = [{ server: 'a', code: 1, signal: null, output: "Unhandled 'error' event" }];
    },
  ],
  [
    'a checked reservation left availability below zero',
    'no oversell',
    (r) => {
      r.ledger.push(
        entry(
          6,
          'reserve',
          'r2',
          'reservation.reserve',
          [
            {
              organizationId: 'usmf',
              productId: 'HOT-1',
              dimensions: DIMS,
              dataSource: 'iv',
              measure: 'softreserved',
              delta: 4,
            },
          ],
          'R2',
        ),
      );
    },
  ],
  [
    'an allocation took more than the pool',
    'no oversell',
    (r) => {
      r.ledger.push(
        entry(6, 'allocate', 'a2', 'allocation.allocate', [
          {
            organizationId: 'usmf',
            productId: 'HOT-1',
            dimensions: DIMS,
            dataSource: '@iv',
            measure: '@allocated',
            delta: 5,
          },
        ]),
      );
    },
  ],
  [
    'an event was applied twice',
    'each event applied at most once',
    (r) => {
      r.ledger.push({ ...r.ledger[0]!, position: '6', seq: 6 });
    },
  ],
  [
    'an acknowledged write is missing from the ledger',
    'every acknowledged write is in the ledger',
    (r) => {
      r.history.push(
        record({ op: 'onhand.bulk', family: 'onhand', items: [{ id: 'e9', status: 'success' }] }),
      );
    },
  ],
  [
    'an acknowledged extension is missing from the ledger',
    'every acknowledged write is in the ledger',
    (r) => {
      r.history.push(
        record({
          op: 'extend',
          family: 'reservation',
          items: [{ id: 'R1', status: 'success', expiresAt: '2030-01-01T00:00:09.000Z' }],
        }),
      );
    },
  ],
  [
    'a retry named another reservation',
    'each retry answered with its first outcome',
    (r) => {
      r.history.push(
        record({
          op: 'reserve',
          family: 'reserve',
          request: 'c#r1',
          attempt: 3,
          sentAt: 900,
          doneAt: 905,
          items: [{ id: 'r1', status: 'success', reservationId: 'R9' }],
        }),
      );
    },
  ],
  [
    'a retry after success was told it failed',
    'each retry answered with its first outcome',
    (r) => {
      r.history.push(
        record({
          op: 'reserve',
          family: 'reserve',
          request: 'c#r1',
          attempt: 3,
          sentAt: 900,
          doneAt: 905,
          items: [{ id: 'r1', status: 'failure', code: 'insufficient_availability' }],
        }),
      );
    },
  ],
  [
    'a retry of the same body was called a conflict',
    'each retry answered with its first outcome',
    (r) => {
      r.history.push(
        record({
          op: 'unreserve',
          family: 'unreserve',
          attempt: 2,
          sentAt: 900,
          doneAt: 905,
          items: [{ id: 'u1', status: 'conflict', code: 'event_id_conflict' }],
        }),
      );
    },
  ],
  [
    'the stored state differs from the ledger',
    'ledger replay equals stored state',
    (r) => {
      r.snapshot = {
        ...r.snapshot,
        stock: r.snapshot.stock.map((s) => (s.measure === 'inbound' ? { ...s, quantity: '6' } : s)),
      };
    },
  ],
  [
    'a stored value has no ledger entry',
    'ledger replay equals stored state',
    (r) => {
      r.snapshot = {
        ...r.snapshot,
        stock: [...r.snapshot.stock, { ...r.snapshot.stock[0]!, measure: 'outbound', quantity: '2' }],
      };
    },
  ],
  [
    'a scheduled value differs from the ledger',
    'ledger replay equals stored state',
    (r) => {
      r.schedules = [{ ...r.schedules![0]!, quantity: '8' }];
    },
  ],
  [
    'a reservation holds more than its history',
    'reservations agree with their records',
    (r) => {
      r.reservations = [{ ...r.reservations[0]!, remaining: 2 }];
    },
  ],
  [
    'an open reservation is long past its expiry',
    'reservations agree with their records',
    (r) => {
      r.reservations = [{ ...r.reservations[0]!, expiresAt: '2029-12-31T23:58:00.000Z' }];
    },
  ],
  [
    'reserved stock changed without a reservation',
    'reservations agree with their records',
    (r) => {
      r.ledger.push(
        entry(6, 'onhand', 'e6', 'onhand.change', [
          {
            organizationId: 'usmf',
            productId: 'HOT-1',
            dimensions: DIMS,
            dataSource: 'iv',
            measure: 'softreserved',
            delta: -1,
          },
        ]),
      );
      r.snapshot = {
        position: '6',
        stock: r.snapshot.stock.map((s) => (s.measure === 'softreserved' ? { ...s, quantity: '0' } : s)),
      };
      r.followers = r.followers.map((f) => ({
        ...f,
        position: '6',
        values: { [TUPLE]: 4 },
        deliveries: [...f.deliveries, { id: 'x', positions: ['6'] }],
      }));
      r.head = '6';
    },
  ],
  [
    'an allocation group holds what its rows do not',
    'allocations agree with their records',
    (r) => {
      r.allocations = [{ ...r.allocations[0]!, remaining: 2 }];
    },
  ],
  [
    'a follower received an entry out of order',
    'followers saw every entry in order and converged',
    (r) => {
      r.followers[0] = {
        ...r.followers[0]!,
        deliveries: [{ id: 'c1', positions: ['1', '3', '2', '4', '5'] }],
      };
    },
  ],
  [
    'a follower missed an entry',
    'followers saw every entry in order and converged',
    (r) => {
      r.followers[1] = {
        ...r.followers[1]!,
        deliveries: [
          { id: 'd1', positions: ['1', '2', '3'] },
          { id: 'd2', positions: ['5'] },
        ],
      };
    },
  ],
  [
    'a follower received an entry twice',
    'followers saw every entry in order and converged',
    (r) => {
      r.followers[0] = {
        ...r.followers[0]!,
        deliveries: [
          { id: 'c1', positions: ['1', '2', '3'] },
          { id: 'c2', positions: ['3', '4', '5'] },
        ],
      };
    },
  ],
  [
    'a follower never reached the head',
    'followers saw every entry in order and converged',
    (r) => {
      r.followers[2] = { ...r.followers[2]!, position: '4' };
    },
  ],
  [
    'a cache holds a wrong availability',
    'followers saw every entry in order and converged',
    (r) => {
      r.followers[2] = { ...r.followers[2]!, values: { [TUPLE]: 4 } };
    },
  ],
  [
    'a hostile request was accepted',
    'hostile requests changed nothing',
    (r) => {
      r.history.push(record({ op: 'hostile.expired', status: 200, hostile: 'expired' }));
    },
  ],
  [
    'a hostile event reached the ledger',
    'hostile requests changed nothing',
    (r) => {
      r.ledger.push(entry(6, 'onhand', 'hostile-x-1', 'onhand.change', []));
      r.followers = r.followers.map((f) => ({
        ...f,
        position: '6',
        deliveries: [...f.deliveries, { id: 'y', positions: ['6'] }],
      }));
      r.head = '6';
    },
  ],
  [
    'nobody else was answered during a slow upload',
    'hostile requests changed nothing',
    (r) => {
      r.history = r.history.filter((h) => h.op !== 'query');
    },
  ],
];
