import { dimensionsKey } from '../../src/domain/dimensions.js';
import type {
  ClientRecord,
  EnvironmentRecord,
  LedgerEntry,
  ReservationRecord,
  ScheduleRow,
  StockKey,
  StockRow,
  StockSelector,
  Store,
} from '../../src/store/store.js';

/* Records and helpers shared by the Store conformance suite (conformance*.ts). */

export const ENV = 'env-a';
export const OTHER = 'env-b';
export const UNIT = 1_000_000n;
export const ALL_ORGS: StockSelector = { organizationIds: ['org1', 'org2'] };

export function row(fields: Partial<StockRow> = {}): StockRow {
  return {
    organizationId: 'org1',
    productId: 'p1',
    dimensions: { locationid: 'l1', siteid: 's1' },
    dataSource: 'pos',
    measure: 'inbound',
    partitionId: 'org1~s1~l1',
    quantity: 5n * UNIT,
    countedAt: null,
    ...fields,
  };
}

/** A scheduled change of row()'s key on 2024-06-01. */
export function scheduled(fields: Partial<ScheduleRow> = {}): ScheduleRow {
  return {
    organizationId: 'org1',
    productId: 'p1',
    dimensions: { locationid: 'l1', siteid: 's1' },
    dataSource: 'pos',
    measure: 'inbound',
    date: '2024-06-01',
    partitionId: 'org1~s1~l1',
    quantity: 5n * UNIT,
    ...fields,
  };
}

export function keyOf(r: StockKey): StockKey {
  const { organizationId, productId, dimensions, dataSource, measure } = r;
  return { organizationId, productId, dimensions, dataSource, measure };
}

export function sortKey(r: StockKey): string[] {
  return [r.organizationId, r.productId, dimensionsKey(r.dimensions), r.dataSource, r.measure];
}

export function compareKeys(a: StockKey, b: StockKey): number {
  const x = sortKey(a);
  const y = sortKey(b);
  for (let i = 0; i < x.length; i++) {
    const [p, q] = [x[i] ?? '', y[i] ?? ''];
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

/** Rows in the order readStock must return them (ids in these tests are ASCII, so byte order = JS order). */
export function ordered(rows: readonly StockRow[]): StockRow[] {
  return [...rows].sort(compareKeys);
}

export function entry(fields: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    environmentId: ENV,
    partitionId: 'org1~s1~l1',
    family: 'change',
    eventId: 'e1',
    bodyHash: 'hash-1',
    kind: 'change',
    recordedAt: '2024-05-01T10:00:00.000Z',
    request: { id: 'e1', quantities: { pos: { inbound: '1.5' } }, note: 'Grüße 🚀', list: [1, null, true] },
    outcome: { id: 'e1', processingStatus: 'success', statusCode: 200 },
    changes: [
      {
        organizationId: 'org1',
        productId: 'p1',
        dimensions: { colorid: 'rouge', locationid: 'l1', siteid: 's1' },
        dataSource: 'pos',
        measure: 'inbound',
        delta: 123456789012345678n,
      },
      { organizationId: 'org1', productId: 'p2', dimensions: {}, dataSource: 'iv', measure: 'x', delta: -1n },
    ],
    reference: null,
    clientId: null,
    ...fields,
  };
}

export function environment(fields: Partial<EnvironmentRecord> = {}): EnvironmentRecord {
  return {
    environmentId: ENV,
    configuration: { dataSources: [{ name: 'pos', measures: ['inbound', 'outbound'] }], note: 'Zürich 店' },
    version: 1,
    createdAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:00.000Z',
    ...fields,
  };
}

export function client(fields: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: 'client-1',
    secretHash: 'scrypt$abc$def',
    roles: { [ENV]: 'write' },
    createdAt: '2024-05-01T10:00:00.000Z',
    revokedAt: null,
    ...fields,
  };
}

export function reservation(fields: Partial<ReservationRecord> = {}): ReservationRecord {
  return {
    reservationId: 'r1',
    partitionId: 'org1~s1~l1',
    organizationId: 'org1',
    productId: 'p1',
    dimensions: { colorid: 'red', locationid: 'l1', siteid: 's1' },
    dataSource: 'iv',
    measure: 'softreserved',
    quantity: 3n * UNIT,
    remaining: 3n * UNIT,
    expiresAt: null,
    status: 'open',
    eventId: 'reserve-1',
    createdAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:00.000Z',
    ...fields,
  };
}

/** Reservations sorted by id, for comparing results whose order the port leaves open. */
export function byId<T extends ReservationRecord>(records: readonly T[]): T[] {
  return [...records].sort((a, b) =>
    a.reservationId < b.reservationId ? -1 : a.reservationId > b.reservationId ? 1 : 0,
  );
}

/** A promise that a test opens when it chooses. */
export function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Observes a promise's outcome without leaving a rejection unhandled. */
export function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls of the conformance suite that each run in a transaction of their own on `store()`. */
export function storeCalls(store: () => Store) {
  return {
    write: (env: string, rows: readonly StockRow[]) =>
      store().transaction(['k'], (tx) => tx.writeRows(env, rows)),
    append: (entries: readonly LedgerEntry[]) => store().transaction(['k'], (tx) => tx.appendLedger(entries)),
    readRows: (env: string, keys: readonly StockKey[]) =>
      store().transaction(['k'], (tx) => tx.readRows(env, keys)),
    findEvents: (env: string, family: string, ids: readonly string[]) =>
      store().transaction(['k'], (tx) => tx.findEvents(env, family, ids)),
  };
}
