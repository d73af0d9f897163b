import type { LedgerChange, LedgerEntry, Observed } from '../../soak/checker/model.js';
import { canonical } from '../../soak/checker/model.js';
import { cleanRun, entry, record } from './checker-fixture.js';

/**
 * The clean run of checker-fixture.ts with an OCI part that keeps every promise: a graph of two
 * locations (store-11 is the IV place of the checkouts' tuple) in group `web`; on hand counted at both,
 * a safety stock of 1 at store-11; reservation D1 locks 2 in `web` (its first attempt timed out and was
 * retried), 1 of it is transferred to store-11 and fulfilled there, the rest is cancelled.
 */
export const STORE_11 = { siteid: '1', locationid: '11' };
export const STORE_12 = { siteid: '1', locationid: '12' };
export const WEB_11 = { ...STORE_11, '@ocigroup': 'web' };
export const WEB_12 = { ...STORE_12, '@ocigroup': 'web' };
export const T1 = JSON.stringify(['t1', 'HOT-1']);
export const F1 = JSON.stringify(['f1', 'HOT-1']);

export const change = (
  dimensions: Record<string, string>,
  measure: string,
  delta: number,
  productId = 'HOT-1',
): LedgerChange => {
  const [dataSource, name] = measure.split('.') as [string, string];
  return { organizationId: 'usmf', productId, dimensions, dataSource, measure: name, delta };
};

/** An OCI create's answer: reserved `quantity` at group `web`. */
export const answerOf = (quantity: number) => ({
  reservationTime: '2030-01-01T00:00:00.000Z',
  expirationTime: '2030-01-01T00:00:10.000Z',
  success: true,
  locations: [],
  groups: [{ id: 'web', details: [{ sku: 'HOT-1', quantity }], errors: [] }],
});

/** An oci.reserve entry of document `id` whose holds are `changes`, answered `answer`. */
export function ociReserve(
  position: number,
  id: string,
  changes: LedgerChange[],
  answer: unknown = answerOf(changes.reduce((s, c) => s + c.delta, 0)),
): LedgerEntry {
  return {
    ...entry(position, 'oci-reserve', id, 'oci.reserve', changes, `oci:${id}`),
    request: { reservationId: id, holds: changes.map((_, i) => ({ recordId: `oci~${id}~${i}` })) },
    outcome: answer as LedgerEntry['outcome'],
  };
}

export function ociRun(): Observed {
  const run = cleanRun();
  const ledger: LedgerEntry[] = [
    ...run.ledger,
    entry(6, 'setonhand', 'c11', 'onhand.set', [change(STORE_11, 'iom.onhand', 5)]),
    {
      ...entry(7, 'oci', 'ss1', 'oci.safetystock', []),
      request: { rows: [{ locationId: 'store-11', sku: 'HOT-1', quantity: '1' }] },
    },
    entry(8, 'setonhand', 'c12', 'onhand.set', [change(STORE_12, 'iom.onhand', 4)]),
    ociReserve(9, 'D1', [change(WEB_11, '@oci.@grouplock', 2)]),
    {
      ...entry(10, 'oci-transfer', T1, 'oci.transfer', [
        change(WEB_11, '@oci.@grouplock', -1),
        change(STORE_11, 'iv.softreserved', 1),
      ]),
      request: {
        id: 't1',
        documents: [{ reservationId: 'D1', quantity: '1', holds: ['oci~transfer~t1~0'] }],
      },
    },
    {
      ...entry(11, 'oci-fulfill', F1, 'oci.fulfill', [
        change(STORE_11, 'iv.softreserved', -1),
        change(STORE_11, 'iom.onhand', -1),
      ]),
      request: { id: 'f1', documents: [{ reservationId: 'D1', quantity: '1' }] },
    },
    {
      ...entry(12, 'oci-cancel', 'D1', 'oci.cancel', [change(WEB_11, '@oci.@grouplock', -1)], 'oci:D1'),
      request: { reservationId: 'D1', released: [{ recordId: 'oci~D1~0', quantity: '1' }] },
    },
  ];
  const stock = (dimensions: Record<string, string>, measure: string, quantity: string) => {
    const c = change(dimensions, measure, 0);
    return { ...c, quantity };
  };
  const positions = ['6', '7', '8', '9', '10', '11', '12'];
  return {
    ...run,
    ledger,
    history: [
      ...run.history,
      record({ op: 'oci.reserve', family: 'oci-reserve', request: 'o#1', status: 'timeout' }),
      record({
        op: 'oci.reserve',
        family: 'oci-reserve',
        request: 'o#1',
        attempt: 2,
        items: [{ id: 'D1', status: 'success', detail: canonical(answerOf(2)) }],
      }),
      record({
        op: 'oci.transfers',
        family: 'oci-transfer',
        status: 204,
        items: [{ id: T1, status: 'success' }],
      }),
      record({
        op: 'oci.fulfillments',
        family: 'oci-fulfill',
        status: 204,
        items: [{ id: F1, status: 'success' }],
      }),
      record({
        op: 'oci.cancel',
        family: 'oci-cancel',
        status: 204,
        items: [{ id: 'D1', status: 'success' }],
      }),
    ],
    snapshot: {
      position: '12',
      stock: [...run.snapshot.stock, stock(STORE_11, 'iom.onhand', '4'), stock(STORE_12, 'iom.onhand', '4')],
    },
    followers: run.followers.map((f) => ({
      ...f,
      position: '12',
      deliveries: f.kind === 'sdk' ? [] : [...f.deliveries, { id: 'o', positions }],
    })),
    head: '12',
    oci: {
      graph: {
        locations: [
          { id: 'store-11', iv: { organizationId: 'usmf', siteId: '1', locationId: '11' } },
          { id: 'store-12', iv: { organizationId: 'usmf', siteId: '1', locationId: '12' } },
        ],
        groups: [{ id: 'web', locations: ['store-11', 'store-12'] }],
      },
      position: '12',
      availability: [
        {
          kind: 'location',
          id: 'store-11',
          sku: 'HOT-1',
          onHand: 4,
          reserved: 1,
          safetyStockCount: 1,
          groupReserved: 0,
          sharedGroupReserved: 0,
        },
        {
          kind: 'location',
          id: 'store-12',
          sku: 'HOT-1',
          onHand: 4,
          reserved: 0,
          safetyStockCount: 0,
          groupReserved: 0,
          sharedGroupReserved: 0,
        },
        {
          kind: 'group',
          id: 'web',
          sku: 'HOT-1',
          onHand: 8,
          reserved: 1,
          safetyStockCount: 1,
          groupReserved: 0,
          sharedGroupReserved: 0,
        },
      ],
    },
  };
}
