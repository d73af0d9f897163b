import { canonical } from '../../soak/checker/model.js';
import type { Run } from './broken-runs.js';
import { DIMS, entry, record } from './checker-fixture.js';
import { answerOf, change, F1, ociReserve, STORE_11, STORE_12, T1, WEB_11, WEB_12 } from './oci-fixture.js';

const OVERSELL = 'no OCI oversell (locations past safety stock, groups past their ATF)';
const FIRST = 'each OCI retry answered with its first outcome';
const RECORDS = 'OCI reservations agree with their records';

/** Runs of oci-fixture.ts that each break one OCI promise, and the check that must catch it. */
export const OCI_BROKEN: readonly [string, string, (run: Run) => void][] = [
  [
    'a location hold took the safety stock',
    OVERSELL,
    (r) => {
      // On hand 4, reserved 1 (an IV cart), safety stock 1: a hold of 3 leaves on hand ≥ reserved but
      // eats the safety stock.
      r.ledger.push(ociReserve(13, 'D2', [change(STORE_11, 'iv.softreserved', 3)]));
    },
  ],
  [
    'a group reservation locked more than the group ATF',
    OVERSELL,
    (r) => {
      // web locks 4 at store-12, then store-12 ships its 4 (a fact); a new lock of 1 at store-11 still
      // fits store-11, but the group (ATF 3 + 0) already promised 4.
      r.ledger.push(
        ociReserve(13, 'D2', [change(WEB_12, '@oci.@grouplock', 4)]),
        entry(14, 'setonhand', 'c12b', 'onhand.set', [change(STORE_12, 'iom.onhand', -4)]),
        ociReserve(15, 'D3', [change(WEB_11, '@oci.@grouplock', 1)]),
      );
    },
  ],
  [
    'an IV reservation at an OCI location took its safety stock',
    OVERSELL,
    (r) => {
      // The red tuple has 3 left, so the IV check at the tuple passes; the place holds back 1.
      r.ledger.push(
        entry(13, 'reserve', 'r9', 'reservation.reserve', [{ ...change(DIMS, 'iv.softreserved', 3) }], 'R9'),
      );
    },
  ],
  [
    'an acknowledged OCI release is not in the ledger',
    'every acknowledged write is in the ledger',
    (r) => {
      const id = JSON.stringify(['u9', 'HOT-1']);
      r.history.push(
        record({
          op: 'oci.releases',
          family: 'oci-release',
          status: 204,
          items: [{ id, status: 'success' }],
        }),
      );
    },
  ],
  [
    'an acknowledged OCI reservation is not in the ledger',
    'every acknowledged write is in the ledger',
    (r) => {
      r.history.push(
        record({
          op: 'oci.reserve',
          family: 'oci-reserve',
          items: [{ id: 'D7', status: 'success', detail: '{}' }],
        }),
      );
    },
  ],
  [
    'a retried OCI reservation was told another answer',
    FIRST,
    (r) => {
      const detail = canonical(answerOf(1));
      r.history.push(
        record({
          op: 'oci.reserve',
          family: 'oci-reserve',
          request: 'o#1',
          attempt: 3,
          sentAt: 900,
          doneAt: 905,
          items: [{ id: 'D1', status: 'success', detail }],
        }),
      );
    },
  ],
  [
    'a retried OCI reservation was called another one',
    FIRST,
    (r) => {
      r.history.push(
        record({
          op: 'oci.reserve',
          family: 'oci-reserve',
          request: 'o#1',
          attempt: 3,
          sentAt: 900,
          doneAt: 905,
          status: 409,
          items: [{ id: 'D1', status: 'failure', code: 'oci_reservation_exists' }],
        }),
      );
    },
  ],
  [
    'a fulfilment retried after its acknowledgement was told it failed',
    FIRST,
    (r) => {
      r.history.push(
        record({
          op: 'oci.fulfillments',
          family: 'oci-fulfill',
          sentAt: 900,
          doneAt: 905,
          items: [{ id: F1, status: 'failure', code: 'InsufficientQuantity' }],
        }),
      );
    },
  ],
  [
    'a transfer credited its documents more than it moved',
    RECORDS,
    (r) => {
      const transfer = r.ledger.find((e) => e.eventId === T1)!;
      r.ledger[r.ledger.indexOf(transfer)] = {
        ...transfer,
        request: { id: 't1', documents: [{ reservationId: 'D1', quantity: '2' }] },
      };
    },
  ],
  [
    'a reservation answered 3 but locked 2',
    RECORDS,
    (r) => {
      const create = r.ledger.find((e) => e.eventId === 'D1')!;
      r.ledger[r.ledger.indexOf(create)] = ociReserve(
        9,
        'D1',
        [change(WEB_11, '@oci.@grouplock', 2)],
        answerOf(3),
      );
      r.history = r.history.map((h) =>
        h.items?.[0]?.id === 'D1' && h.family === 'oci-reserve'
          ? { ...h, items: [{ ...h.items[0], detail: canonical(answerOf(3)) }] }
          : h,
      );
    },
  ],
  [
    'a hold of a cancelled reservation expired later',
    RECORDS,
    (r) => {
      // Another reservation locks 1 at store-11; then the group lock of cancelled D1 expires, releasing 1.
      r.ledger.push(ociReserve(13, 'D5', [change(WEB_11, '@oci.@grouplock', 1)]));
      r.ledger.push(
        entry(14, 'reserve', null, 'reservation.expire', [change(WEB_11, '@oci.@grouplock', -1)], 'oci~D1~0'),
      );
    },
  ],
  [
    'a release took from a reservation more than it ever held',
    RECORDS,
    (r) => {
      // D5 holds 1 at store-11; a release takes it but credits D1, which gave out all it held.
      r.ledger.push(ociReserve(13, 'D5', [change(STORE_11, 'iv.softreserved', 1)]));
      r.ledger.push({
        ...entry(14, 'oci-release', JSON.stringify(['u2', 'HOT-1']), 'oci.release', [
          change(STORE_11, 'iv.softreserved', -1),
        ]),
        request: { id: 'u2', documents: [{ reservationId: 'D1', quantity: '1' }] },
      });
    },
  ],
  [
    'a group lock went below zero',
    RECORDS,
    (r) => {
      r.ledger.push({
        ...entry(13, 'oci-release', JSON.stringify(['u1', 'HOT-1']), 'oci.release', [
          change(WEB_12, '@oci.@grouplock', -1),
        ]),
        request: { id: 'u1', documents: [{ reservationId: 'D1', quantity: '1' }] },
      });
    },
  ],
  [
    'get-availability answered a reserved quantity the ledger does not hold',
    RECORDS,
    (r) => {
      const oci = r.oci!;
      r.oci = {
        ...oci,
        availability: oci.availability.map((v) => (v.id === 'store-12' ? { ...v, reserved: 2 } : v)),
      };
    },
  ],
];
