import { expect } from 'vitest';
import { type Dimensions, dimensionsKey } from '../../src/domain/dimensions.js';
import { MAX_STORED_QTY } from '../../src/domain/quantity.js';
import type {
  ScheduleCursor,
  ScheduleKey,
  ScheduleRow,
  StockSelector,
  Store,
} from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ENV, entry, environment, gate, OTHER, row, scheduled, settle, UNIT } from './fixtures.js';

/**
 * The conformance tests of on-hand change schedules (the schedule reads of Store, the schedule writes of
 * StoreTx, and how schedules count in hasStock, listPartitionIds and deleteOrphanedData), part of
 * describeStoreConformance (conformance.ts), which calls this inside its describe block. `current`
 * returns the migrated store of the running test.
 */
export function describeScheduleConformance(test: DefineTest, current: () => Store): void {
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

  test('deletePartitionSchedules deletes and returns the scheduled changes of the named partitions only', async () => {
    const store = current();
    const inA = [
      scheduled({ partitionId: 'A' }),
      scheduled({ partitionId: 'A', date: '2024-06-09', quantity: -1n }),
    ];
    const inB = [scheduled({ partitionId: 'B', productId: 'p0' })];
    const inC = [scheduled({ partitionId: 'C' })];
    await writeSchedule(ENV, [...inC, ...inB, ...inA]);
    await writeSchedule(OTHER, inA);
    await store.transaction(['k'], (tx) => tx.writeRows(ENV, [row({ partitionId: 'A' })]));
    expect(await deletePartitionSchedules(ENV, [])).toEqual([]);
    expect(await deletePartitionSchedules(ENV, ['A', 'B', 'missing'])).toEqual(
      sortBy([...inA, ...inB], exportOrder),
    );
    expect(await allPages(ENV, 10)).toEqual(inC);
    expect(await allPages(OTHER, 10)).toEqual(inA);
    expect(await store.readStock(ENV, { organizationIds: ['org1'] })).toEqual([row({ partitionId: 'A' })]);
    // Deleting a partition's stock leaves its scheduled changes alone.
    await store.transaction(['k'], (tx) => tx.deletePartitions(ENV, ['A', 'C']));
    expect(await allPages(ENV, 10)).toEqual(inC);
  });

  test('hasStock and listPartitionIds count partitions that hold only scheduled changes', async () => {
    const store = current();
    await writeSchedule(ENV, [
      scheduled({ partitionId: 'b' }),
      scheduled({ partitionId: 'a', productId: 'p2' }),
    ]);
    expect(await store.hasStock(ENV)).toBe(true);
    expect(await store.listPartitionIds(ENV)).toEqual(['a', 'b']);
    await store.transaction(['k'], (tx) =>
      tx.writeRows(ENV, [row({ partitionId: 'c' }), row({ partitionId: 'b' })]),
    );
    expect(await store.listPartitionIds(ENV)).toEqual(['a', 'b', 'c']);
    await deletePartitionSchedules(ENV, ['a', 'b']);
    expect(await store.listPartitionIds(ENV)).toEqual(['b', 'c']);
    await store.transaction(['k'], (tx) => tx.deletePartitions(ENV, ['b', 'c']));
    expect(await store.hasStock(ENV)).toBe(false);
    expect(await store.listPartitionIds(ENV)).toEqual([]);
    await writeSchedule(ENV, [UNICODE]);
    expect(await store.listPartitionIds(ENV)).toEqual([UNICODE.partitionId]);
    expect(await store.hasStock(OTHER)).toBe(false);
  });

  test('deleteOrphanedData removes the scheduled changes of an environment id without a record', async () => {
    const store = current();
    await store.saveEnvironment(environment({ environmentId: OTHER }));
    await writeSchedule(ENV, [scheduled(), UNICODE]);
    await writeSchedule(OTHER, [scheduled()]);
    expect(await store.deleteOrphanedData(OTHER)).toBe(false);
    expect(await store.deleteOrphanedData(ENV)).toBe(true);
    expect(await store.hasStock(ENV)).toBe(false);
    expect(await allPages(ENV, 10)).toEqual([]);
    expect(await allPages(OTHER, 10)).toEqual([scheduled()]);
  });

  test('a ledger change with a date reads back with it; one without reads back without', async () => {
    const dated = { ...entry().changes[0]!, date: '2024-06-01', delta: -2_500_001n };
    const plain = entry().changes[1]!;
    const [seq] = await current().transaction(['k'], (tx) =>
      tx.appendLedger([entry({ changes: [dated, plain], reference: 'sched-1' })]),
    );
    const [read] = await current().readLedger(ENV, 0, 10);
    expect(read).toEqual({ ...entry({ changes: [dated, plain], reference: 'sched-1' }), seq });
    expect(read?.changes[0]?.date).toBe('2024-06-01');
    expect(read?.changes[1]).not.toHaveProperty('date');
    expect((await current().readLedgerByReference(ENV, 'sched-1', 10))[0]?.changes).toEqual([dated, plain]);
  });

  test('scheduled changes are invisible until their transaction commits, and gone when it rolls back', async () => {
    const store = current();
    await writeSchedule(ENV, [scheduled()]);
    const [written, release] = [gate(), gate()];
    let inside: ScheduleRow[] = [];
    const done = settle(
      store.transaction(['k'], async (tx) => {
        await tx.writeScheduleRows(ENV, [scheduled({ quantity: 0n }), scheduled({ partitionId: 'new' })]);
        inside = await tx.readScheduleRows(ENV, [scheduled()]);
        written.open();
        await release.opened;
        throw new Error('abort');
      }),
    );
    await written.opened;
    const seen = await settle(
      Promise.all([
        everything(ENV),
        store.listPartitionIds(ENV),
        store.exportSchedule(ENV, null, 10),
        store.listScheduleScopes(ENV, '2099-01-01', 10),
      ]),
    );
    release.open(); // before asserting, so a failure cannot leave the transaction open
    const scope = { organizationId: 'org1', productId: 'p1', partitionId: 'org1~s1~l1' };
    expect(inside).toEqual([scheduled({ partitionId: 'new' })]);
    expect(seen).toEqual({ ok: true, value: [[scheduled()], ['org1~s1~l1'], [scheduled()], [scope]] });
    expect(await done).toMatchObject({ ok: false, error: { message: 'abort' } });
    expect(await everything(ENV)).toEqual([scheduled()]);
    expect(await store.listPartitionIds(ENV)).toEqual(['org1~s1~l1']);
  });
}

const ORGS = ['org1', 'org2'];

/** Unicode ids and dimensions whose byte order differs from UTF-16 order (Ａ < 🚀 in UTF-8). */
const UNICODE = scheduled({
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
function dataset(): ScheduleRow[] {
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
function selects(s: StockSelector, r: ScheduleRow): boolean {
  const any = (list: readonly string[] | undefined, value: string) =>
    list === undefined || list.length === 0 || list.includes(value);
  return (
    s.organizationIds.includes(r.organizationId) &&
    any(s.productIds, r.productId) &&
    any(s.siteIds, r.dimensions.siteid ?? '') &&
    any(s.locationIds, r.dimensions.locationid ?? '')
  );
}

const readOrder = (r: ScheduleRow) => [
  r.organizationId,
  r.productId,
  dimensionsKey(r.dimensions),
  r.dataSource,
  r.measure,
  r.date,
];
const exportOrder = (r: ScheduleRow) => [r.partitionId, ...readOrder(r)];

/** Sorted by the key parts `key` gives, each compared in byte (UTF-8) order as the databases do. */
function sortBy(rows: readonly ScheduleRow[], key: (r: ScheduleRow) => string[]): ScheduleRow[] {
  return [...rows].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) {
      const order = Buffer.compare(Buffer.from(x[i] ?? ''), Buffer.from(y[i] ?? ''));
      if (order !== 0) return order;
    }
    return 0;
  });
}
