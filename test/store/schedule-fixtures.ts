import { expect } from 'vitest';
import { type Dimensions, dimensionsKey } from '../../src/domain/dimensions.js';
import type {
  ScheduleCursor,
  ScheduleKey,
  ScheduleRow,
  StockSelector,
  Store,
} from '../../src/store/store.js';
import { scheduled, UNIT } from './fixtures.js';

/*
 * What the schedule conformance tests share (conformance-schedule.ts, conformance-schedule-lifecycle.ts):
 * the store calls they make, a dataset, and the orders the port promises.
 */

/** The schedule calls of the store `current` returns, each in a transaction of its own. */
export function scheduleCalls(current: () => Store) {
  const writeSchedule = (env: string, rows: readonly ScheduleRow[]) =>
    current().transaction(['k'], (tx) => tx.writeScheduleRows(env, rows));
  const readScheduleRows = (env: string, keys: readonly ScheduleKey[]) =>
    current().transaction(['k'], (tx) => tx.readScheduleRows(env, keys));
  const readProductSchedule = (env: string, org: string, product: string, partition: string) =>
    current().transaction(['k'], (tx) => tx.readProductSchedule(env, org, product, partition));
  const deletePartitionSchedules = (env: string, ids: readonly string[]) =>
    current().transaction(['k'], (tx) => tx.deletePartitionSchedules(env, ids));
  const everything = (env: string) =>
    current().readSchedule(env, { organizationIds: [...ORGS, UNICODE.organizationId] }, null);

  /** Every page of exportSchedule, `limit` rows at a time, checking each page's size. */
  const allPages = async (env: string, limit: number) => {
    const rows: ScheduleRow[] = [];
    let after: ScheduleCursor | null = null;
    for (;;) {
      const page = await current().exportSchedule(env, after, limit);
      expect(page.length).toBeLessThanOrEqual(limit);
      rows.push(...page);
      if (page.length < limit) return rows;
      after = page[page.length - 1] ?? null;
    }
  };

  return {
    writeSchedule,
    readScheduleRows,
    readProductSchedule,
    deletePartitionSchedules,
    everything,
    allPages,
  };
}

export const ORGS = ['org1', 'org2'];

/** Unicode ids and dimensions whose byte order differs from UTF-16 order (Ａ < 🚀 in UTF-8). */
export const UNICODE = scheduled({
  organizationId: 'Örg-東京',
  productId: '製品-ß-Ａ',
  dimensions: { colorid: 'rouge-🎨', siteid: 'サイト' },
  partitionId: 'Örg-東京~サイト~',
  dataSource: 'quelle-ü',
  measure: 'maß-🚀',
  date: '2024-06-15',
  quantity: -123_456_789n,
});

/** Two organizations × two products × five tuples × three dates, plus unicode rows; in no useful order. */
export function dataset(): ScheduleRow[] {
  const variants: Dimensions[] = [
    {},
    { locationid: 'l1', siteid: 's1' },
    { locationid: 'l2', siteid: 's1' },
    { locationid: 'l1', siteid: 's2' },
    { colorid: 'red', locationid: 'l1', siteid: 's1' },
  ];
  const rows: ScheduleRow[] = [];
  let n = 0;
  for (const organizationId of ['org2', 'org1']) {
    for (const productId of ['p2', 'p1']) {
      for (const dimensions of variants) {
        const partitionId = `${organizationId}~${dimensions.siteid ?? ''}~${dimensions.locationid ?? ''}`;
        for (const date of ['2024-06-03', '2024-05-31', '2024-06-01']) {
          n += 1;
          const quantity = (n % 2 === 0 ? 1n : -1n) * (BigInt(n) * UNIT + BigInt(n));
          rows.push(scheduled({ organizationId, productId, dimensions, partitionId, date, quantity }));
        }
      }
    }
  }
  rows.push(UNICODE, { ...UNICODE, productId: '製品-ß-🚀', date: '2024-06-14' });
  return rows;
}

/** What readSchedule's selector selects (the port's StockSelector semantics). */
export function selects(s: StockSelector, r: ScheduleRow): boolean {
  const any = (list: readonly string[] | undefined, value: string) =>
    list === undefined || list.length === 0 || list.includes(value);
  return (
    s.organizationIds.includes(r.organizationId) &&
    any(s.productIds, r.productId) &&
    any(s.siteIds, r.dimensions.siteid ?? '') &&
    any(s.locationIds, r.dimensions.locationid ?? '')
  );
}

export const readOrder = (r: ScheduleRow) => [
  r.organizationId,
  r.productId,
  dimensionsKey(r.dimensions),
  r.dataSource,
  r.measure,
  r.date,
];
export const exportOrder = (r: ScheduleRow) => [r.partitionId, ...readOrder(r)];

/** Sorted by the key parts `key` gives, each compared in byte (UTF-8) order as the databases do. */
export function sortBy(rows: readonly ScheduleRow[], key: (r: ScheduleRow) => string[]): ScheduleRow[] {
  return [...rows].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) {
      const order = Buffer.compare(Buffer.from(x[i] ?? ''), Buffer.from(y[i] ?? ''));
      if (order !== 0) return order;
    }
    return 0;
  });
}
