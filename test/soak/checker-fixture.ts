import type { LedgerChange, LedgerEntry, Observed } from '../../soak/checker/model.js';
import type { HistoryRecord } from '../../soak/history.js';

/**
 * A small recorded run that keeps every promise: stock arrives, a checkout reserves 2 (its first
 * attempt timed out and was retried), releases 1, an allocation takes 1, a schedule is posted, a
 * hostile request is refused, and three followers saw it all. Tests break one promise at a time.
 */
export const DIMS = { siteid: '1', locationid: '11', colorid: 'red' };
export const TUPLE = 'usmf/HOT-1/colorid=red,locationid=11,siteid=1';
const at = (
  dataSource: string,
  measure: string,
  delta: number,
  extra: Partial<LedgerChange> = {},
): LedgerChange => ({
  organizationId: 'usmf',
  productId: 'HOT-1',
  dimensions: DIMS,
  dataSource,
  measure,
  delta,
  ...extra,
});

export function entry(
  position: number,
  family: string,
  eventId: string | null,
  kind: string,
  changes: LedgerChange[],
  reference: string | null = null,
  extra?: Record<string, unknown>,
): LedgerEntry {
  return {
    position: String(position),
    seq: position,
    family,
    eventId,
    kind,
    recordedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, position)).toISOString(),
    reference,
    outcome: { id: eventId ?? '', status: 'success', ...(extra ? { extra } : {}) },
    changes,
  };
}

let n = 0;
export function record(r: Partial<HistoryRecord> & Pick<HistoryRecord, 'op'>): HistoryRecord {
  n++;
  return {
    n,
    sentAt: n * 10,
    doneAt: n * 10 + 5,
    client: 'c',
    server: 'a',
    request: `c#${n}`,
    attempt: 1,
    status: 200,
    ...r,
  };
}

export function cleanRun(): Observed {
  n = 0;
  const ledger: LedgerEntry[] = [
    entry(1, 'onhand', 'e1', 'onhand.change', [at('pos', 'inbound', 5)]),
    entry(2, 'reserve', 'r1', 'reservation.reserve', [at('iv', 'softreserved', 2)], 'R1', {
      reservationId: 'R1',
    }),
    entry(3, 'unreserve', 'u1', 'reservation.unreserve', [at('iv', 'softreserved', -1)], 'R1', {
      reservationId: 'R1',
    }),
    entry(4, 'allocate', 'a1', 'allocation.allocate', [
      at('@iv', '@allocated', 1),
      at('@allocation', '@allocated', 1, { dimensions: { ...DIMS, '@g0': 'web' } }),
    ]),
    entry(5, 'changeschedule', 's1', 'schedule.change', [at('pos', 'inbound', 7, { date: '2030-01-02' })]),
  ];
  const history: HistoryRecord[] = [
    record({ op: 'onhand.bulk', family: 'onhand', items: [{ id: 'e1', status: 'success' }] }),
    record({ op: 'reserve', family: 'reserve', request: 'c#r1', status: 'timeout' }),
    record({
      op: 'reserve',
      family: 'reserve',
      request: 'c#r1',
      attempt: 2,
      items: [{ id: 'r1', status: 'success', reservationId: 'R1' }],
    }),
    record({
      op: 'unreserve',
      family: 'unreserve',
      items: [{ id: 'u1', status: 'success', reservationId: 'R1' }],
    }),
    record({ op: 'allocate', family: 'allocate', items: [{ id: 'a1', status: 'success' }] }),
    record({ op: 'changeschedule', family: 'changeschedule', items: [{ id: 's1', status: 'success' }] }),
    record({ op: 'hostile.tampered', status: 401, hostile: 'tampered' }),
    record({ op: 'hostile.slowloris', status: 'network', hostile: 'slowloris', sentAt: 100, doneAt: 3100 }),
    record({ op: 'query', sentAt: 200, doneAt: 300 }),
  ];
  const stock = (
    dataSource: string,
    measure: string,
    quantity: string,
    dimensions: Record<string, string> = DIMS,
  ) => ({ organizationId: 'usmf', productId: 'HOT-1', dimensions, dataSource, measure, quantity });
  return {
    history,
    ledger,
    snapshot: {
      position: '5',
      stock: [
        stock('pos', 'inbound', '5'),
        stock('iv', 'softreserved', '1'),
        stock('@iv', '@allocated', '1'),
        stock('@allocation', '@allocated', '1', { ...DIMS, '@g0': 'web' }),
      ],
    },
    schedules: [{ ...stock('pos', 'inbound', '7'), date: '2030-01-02' }],
    pool: { plus: ['pos.inbound'], minus: ['pos.outbound', 'iv.softreserved', '@iv.@allocated'] },
    reservations: [
      {
        reservationId: 'R1',
        organizationId: 'usmf',
        productId: 'HOT-1',
        dimensions: DIMS,
        quantity: 2,
        remaining: 1,
        expiresAt: null,
        status: 'open',
        history: [
          { seq: 2, kind: 'reservation.reserve', changes: ledger[1]!.changes },
          { seq: 3, kind: 'reservation.unreserve', changes: ledger[2]!.changes },
        ],
      },
    ],
    allocations: [
      {
        organizationId: 'usmf',
        productId: 'HOT-1',
        dimensions: DIMS,
        groups: { channel: 'web' },
        levels: { '@g0': 'web' },
        remaining: 1,
      },
    ],
    followers: [
      {
        name: 'sse',
        kind: 'sse',
        after: '0',
        deliveries: [
          { id: 'c1', positions: ['1', '2'] },
          { id: 'c2', positions: ['3', '4', '5'] },
        ],
        position: '5',
        values: { [TUPLE]: 3 },
      },
      {
        name: 'webhook',
        kind: 'webhook',
        after: '0',
        deliveries: [
          { id: 'd1', positions: ['1', '2', '3'] },
          { id: 'd1', positions: ['1', '2', '3'] },
          { id: 'd2', positions: ['4', '5'] },
        ],
        position: '5',
        values: { [TUPLE]: 3 },
      },
      { name: 'sdk', kind: 'sdk', after: '0', deliveries: [], position: '5', values: { [TUPLE]: 3 } },
    ],
    head: '5',
    readAt: Date.parse('2030-01-01T00:00:00Z'),
    crashes: [],
  };
}
