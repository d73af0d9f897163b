import { expect } from 'vitest';
import { dimensionsKey } from '../../src/domain/dimensions.js';
import { MAX_STORED_QTY } from '../../src/domain/quantity.js';
import type { StockSelector, Store } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ENV, OTHER, scheduled, UNIT } from './fixtures.js';
import {
  dataset,
  exportOrder,
  readOrder,
  scheduleCalls,
  selects,
  sortBy,
  UNICODE,
} from './schedule-fixtures.js';

/**
 * The conformance tests of on-hand change schedules as they are written and read (the schedule reads of
 * Store and the schedule writes of StoreTx), part of describeStoreConformance (conformance.ts), which
 * calls this inside its describe block. `current` returns the migrated store of the running test.
 */
export function describeScheduleConformance(test: DefineTest, current: () => Store): void {
  const { writeSchedule, readScheduleRows, readProductSchedule, everything, allPages } =
    scheduleCalls(current);

  test('scheduled changes read back exactly by key: signed, extreme and fractional quantities, unicode', async () => {
    const rows = [
      scheduled(),
      scheduled({ date: '2024-06-02', quantity: -1n }),
      scheduled({ measure: 'outbound', quantity: 1n }),
      scheduled({ productId: 'p-max', quantity: 9_223_372_036_854_775_807n }),
      scheduled({ productId: 'p-min', quantity: -9_223_372_036_854_775_808n }),
      scheduled({ productId: 'p-stored', quantity: MAX_STORED_QTY, dimensions: {}, partitionId: 'org1~~' }),
      scheduled({
        productId: 'p-stored',
        quantity: -MAX_STORED_QTY + 1n,
        dimensions: {},
        date: '2025-01-01',
      }),
      scheduled({ productId: 'p-frac', quantity: 1_234_567n }),
      UNICODE,
    ];
    await writeSchedule(ENV, rows);
    await writeSchedule(OTHER, [scheduled({ quantity: 42n })]);
    const missing = [
      scheduled({ date: '2024-06-03' }),
      scheduled({ dataSource: 'fno' }),
      scheduled({ dimensions: { locationid: 'l1' } }),
      { ...UNICODE, date: '2024-06-02' },
    ];
    expect(await readScheduleRows(ENV, [...rows, ...missing].reverse())).toEqual([...rows].reverse());
    expect(await readScheduleRows(ENV, [])).toEqual([]);
    expect(await readScheduleRows('nobody', rows)).toEqual([]);
    expect(await readScheduleRows(OTHER, rows)).toEqual([scheduled({ quantity: 42n })]);
    expect(await everything(ENV)).toEqual(sortBy(rows, readOrder));
  });

  test('writing a scheduled value replaces it; a quantity of 0 deletes it; the last of a repeated key wins', async () => {
    await writeSchedule(ENV, [
      scheduled(),
      scheduled({ date: '2024-06-02' }),
      scheduled({ productId: 'p2' }),
    ]);
    await writeSchedule(ENV, [
      scheduled({ quantity: -3n * UNIT }),
      scheduled({ date: '2024-06-02', quantity: 0n }),
    ]);
    expect(await everything(ENV)).toEqual([
      scheduled({ quantity: -3n * UNIT }),
      scheduled({ productId: 'p2' }),
    ]);
    // 0 for a key that holds nothing changes nothing; a repeated key ends as its last row says.
    await writeSchedule(ENV, [
      scheduled({ date: '2030-01-01', quantity: 0n }),
      scheduled({ quantity: 7n }),
      scheduled({ quantity: 0n }),
      scheduled({ productId: 'p2', quantity: 0n }),
      scheduled({ productId: 'p2', quantity: 9n }),
    ]);
    expect(await everything(ENV)).toEqual([scheduled({ productId: 'p2', quantity: 9n })]);
    await writeSchedule(ENV, []);
    await writeSchedule(ENV, [scheduled({ productId: 'p2', quantity: 0n })]);
    expect(await everything(ENV)).toEqual([]);
    expect(await current().hasStock(ENV)).toBe(false);
  });

  test('readSchedule applies the selector as readStock does, from a date on, in key-then-date order', async () => {
    const rows = dataset();
    await writeSchedule(ENV, rows);
    await writeSchedule(OTHER, [scheduled(), scheduled({ organizationId: 'org2', partitionId: 'x' })]);
    const cases: [StockSelector, string | null][] = [
      [{ organizationIds: ['org1'] }, null],
      [{ organizationIds: ['org1', 'org2'], productIds: ['p2'] }, '2024-06-01'],
      [{ organizationIds: ['org2'], siteIds: ['s1'] }, null],
      [{ organizationIds: ['org2'], siteIds: ['s1', 's2'] }, '2024-06-02'],
      [{ organizationIds: ['org1'], siteIds: ['s1'], locationIds: ['l1'] }, '2024-06-02'],
      [{ organizationIds: ['org1'], productIds: ['p1'], locationIds: ['l2'] }, null],
      [{ organizationIds: ['org1', 'org2'], productIds: [], siteIds: [], locationIds: [] }, '2024-05-31'],
      [{ organizationIds: ['org1', UNICODE.organizationId], siteIds: ['サイト'] }, null],
      [{ organizationIds: ['org1', 'org2'] }, '2024-06-04'],
      [{ organizationIds: [] }, null],
      [{ organizationIds: ['org9'] }, null],
    ];
    for (const [selector, fromDate] of cases) {
      const expected = sortBy(
        rows.filter((r) => selects(selector, r) && (fromDate === null || r.date >= fromDate)),
        readOrder,
      );
      expect(await current().readSchedule(ENV, selector, fromDate)).toEqual(expected);
    }
    expect(await current().readSchedule('nobody', { organizationIds: ['org1'] }, null)).toEqual([]);
  });

  test('listScheduleScopes lists the distinct scopes with a change strictly before a date, in order, up to a limit', async () => {
    const at = (organizationId: string, productId: string, partitionId: string, date: string) =>
      scheduled({ organizationId, productId, partitionId, date });
    await writeSchedule(ENV, [
      at('org1', 'p1', 'B', '2024-06-02'),
      at('org1', 'p1', 'A', '2024-06-05'),
      at('org1', 'p1', 'A', '2024-06-01'),
      at('org1', 'p2', 'A', '2024-06-03'),
      at('org2', 'p1', 'A', '2024-07-01'),
      at('org0', 'p9', 'Z', '2024-05-01'),
      { ...UNICODE, date: '2024-01-01' },
    ]);
    await writeSchedule(OTHER, [at('org0', 'p0', 'A', '2020-01-01')]);
    const scope = (organizationId: string, productId: string, partitionId: string) => ({
      organizationId,
      productId,
      partitionId,
    });
    const due = [scope('org0', 'p9', 'Z'), scope('org1', 'p1', 'A'), scope('org1', 'p1', 'B')];
    const unicode = scope(UNICODE.organizationId, UNICODE.productId, UNICODE.partitionId);
    expect(await current().listScheduleScopes(ENV, '2024-06-03', 10)).toEqual([...due, unicode]);
    expect(await current().listScheduleScopes(ENV, '2024-06-03', 2)).toEqual(due.slice(0, 2));
    expect(await current().listScheduleScopes(ENV, '2024-06-04', 10)).toEqual([
      ...due,
      scope('org1', 'p2', 'A'),
      unicode,
    ]);
    expect(await current().listScheduleScopes(ENV, '2024-01-01', 10)).toEqual([]);
    expect(await current().listScheduleScopes(ENV, '2024-01-02', 10)).toEqual([unicode]);
    expect(await current().listScheduleScopes('nobody', '2099-01-01', 10)).toEqual([]);
  });

  test('readProductSchedule returns one product inside one partition, by date, then key', async () => {
    const part = 'org1~s1~l1';
    const mine = [
      scheduled({ date: '2024-06-03' }),
      scheduled({ date: '2024-06-01', measure: 'outbound' }),
      scheduled({ date: '2024-06-01' }),
      scheduled({ date: '2024-06-02', dimensions: { colorid: 'red', locationid: 'l1', siteid: 's1' } }),
      scheduled({ date: '2024-06-02', dataSource: 'fno', quantity: -UNIT }),
      scheduled({ date: '2024-06-01', dimensions: { colorid: 'blue', locationid: 'l1', siteid: 's1' } }),
    ];
    await writeSchedule(ENV, [
      ...mine,
      scheduled({ productId: 'p2' }),
      scheduled({ organizationId: 'org2' }),
      scheduled({ partitionId: 'org1~s1~l1-other' }),
    ]);
    await writeSchedule(OTHER, [scheduled({ date: '2024-01-01' })]);
    const expected = sortBy(mine, (r) => [r.date, dimensionsKey(r.dimensions), r.dataSource, r.measure]);
    expect(await readProductSchedule(ENV, 'org1', 'p1', part)).toEqual(expected);
    expect(await readProductSchedule(ENV, 'org1', 'p3', part)).toEqual([]);
    const { organizationId, productId, partitionId } = UNICODE;
    await writeSchedule(ENV, [UNICODE]);
    expect(await readProductSchedule(ENV, organizationId, productId, partitionId)).toEqual([UNICODE]);
  });

  test('exportSchedule pages through every scheduled change of one environment in key order, partition first', async () => {
    const rows = dataset();
    await writeSchedule(ENV, rows);
    await writeSchedule(OTHER, [scheduled({ partitionId: '' }), scheduled({ partitionId: '~~~' })]);
    const expected = sortBy(rows, exportOrder);
    for (const limit of [1, 3, rows.length, rows.length + 1, 1000])
      expect(await allPages(ENV, limit)).toEqual(expected);
    expect(await current().exportSchedule(ENV, expected.at(-1) ?? null, 10)).toEqual([]);
    expect(await current().exportSchedule('nobody', null, 10)).toEqual([]);
    // A cursor whose key is not stored resumes after where that key would be.
    const gone = { ...expected[4]!, date: `${expected[4]!.date}T` };
    expect(await current().exportSchedule(ENV, gone, 3)).toEqual(expected.slice(5, 8));
  });
}
