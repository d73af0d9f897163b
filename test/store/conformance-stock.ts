import { expect } from 'vitest';
import type { Dimensions } from '../../src/domain/dimensions.js';
import { MAX_STORED_QTY } from '../../src/domain/quantity.js';
import type { StockRow, Store } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ALL_ORGS, ENV, keyOf, ordered, row, storeCalls, UNIT } from './fixtures.js';

/** Two organizations × three products × five dimension tuples × two measures, in no useful order. */
const DATASET: readonly StockRow[] = (() => {
  const variants: Dimensions[] = [
    {},
    { locationid: 'l1', siteid: 's1' },
    { locationid: 'l2', siteid: 's1' },
    { locationid: 'l1', siteid: 's2' },
    { colorid: 'red', locationid: 'l1', siteid: 's1' },
  ];
  const rows: StockRow[] = [];
  for (const organizationId of ['org2', 'org1']) {
    for (const productId of ['p3', 'p1', 'p2']) {
      for (const [i, dimensions] of variants.entries()) {
        const partitionId = `${organizationId}~${dimensions.siteid ?? ''}~${dimensions.locationid ?? ''}`;
        const base = { organizationId, productId, dimensions, partitionId, quantity: BigInt(i) * UNIT };
        rows.push(row({ ...base, dataSource: 'pos', measure: 'outbound' }));
        rows.push(row({ ...base, dataSource: 'fno', measure: 'arrived' }));
      }
    }
  }
  return rows;
})();

/**
 * Stock rows of the Store port: written rows read back exactly, replaced, and read by organization,
 * product, site and location (part of the conformance suite, conformance.ts).
 */
export function describeStockConformance(test: DefineTest, store: () => Store): void {
  const { write, readRows } = storeCalls(store);

  test('written rows read back exactly: extreme and negative quantities, unicode and 256-char ids', async () => {
    const long = 'x'.repeat(255) + 'é';
    const rows = [
      row({ quantity: 123456789012345678n, countedAt: '2024-05-01T10:00:00.000Z' }),
      row({ productId: 'p2', quantity: -123456789012345678n }),
      row({ productId: 'p3', quantity: MAX_STORED_QTY }),
      row({ productId: 'p4', quantity: -MAX_STORED_QTY, dimensions: {} }),
      row({ productId: 'p5', quantity: 9223372036854775807n, measure: 'max' }),
      row({ productId: 'p5', quantity: -9223372036854775808n, measure: 'min' }),
      row({ productId: 'p6', quantity: 0n, dataSource: 'iv' }),
      row({
        organizationId: 'Örg-東京',
        productId: '製品-🚀-ß',
        dimensions: { colorid: 'rouge-ÿ-🎨', locationid: 'l-é', siteid: 'サイト' },
        partitionId: 'Örg-東京~サイト~l-é',
        quantity: -1n,
      }),
      row({
        organizationId: long,
        productId: long,
        dimensions: { colorid: long, locationid: long, siteid: long },
        dataSource: long,
        measure: long,
        partitionId: `${long}~${long}~${long}`,
      }),
    ];
    await write(ENV, rows);
    const missing = keyOf(row({ productId: 'nothing' }));
    const found = await readRows(ENV, [...rows.map(keyOf), missing]);
    expect(ordered(found)).toEqual(ordered(rows));
    const all = await store().readStock(ENV, { organizationIds: ['org1', 'Örg-東京', long] });
    expect(ordered(all)).toEqual(ordered(rows));
    const bySite = await store().readStock(ENV, { organizationIds: ['Örg-東京'], siteIds: ['サイト'] });
    expect(bySite).toEqual([rows[7]]);
  });

  test('writing a row again replaces its quantity and count time', async () => {
    await write(ENV, [row(), row({ productId: 'p2' })]);
    const replaced = row({ quantity: -2n * UNIT, countedAt: '2024-05-02T00:00:00.000Z' });
    await write(ENV, [replaced]);
    expect(await readRows(ENV, [keyOf(row())])).toEqual([replaced]);
    expect(await store().readStock(ENV, ALL_ORGS)).toEqual([replaced, row({ productId: 'p2' })]);
  });

  const expected = (keep: (r: StockRow) => boolean) => ordered(DATASET.filter(keep));
  const site = (r: StockRow) => r.dimensions.siteid ?? '';
  const location = (r: StockRow) => r.dimensions.locationid ?? '';

  test('readStock returns the rows of the named organizations, in key order', async () => {
    await write(ENV, DATASET);
    const org1 = await store().readStock(ENV, { organizationIds: ['org1'] });
    expect(org1).toEqual(expected((r) => r.organizationId === 'org1'));
    expect(await store().readStock(ENV, ALL_ORGS)).toEqual(ordered(DATASET));
    expect(await store().readStock(ENV, { organizationIds: ['nobody'] })).toEqual([]);
    expect(await store().readStock(ENV, { organizationIds: [] })).toEqual([]);
  });

  test('readStock treats absent or empty product, site and location lists as any', async () => {
    await write(ENV, DATASET);
    const any = await store().readStock(ENV, {
      organizationIds: ['org1'],
      productIds: [],
      siteIds: [],
      locationIds: [],
    });
    expect(any).toEqual(expected((r) => r.organizationId === 'org1'));
  });

  test('readStock filters by product, site and location lists, alone and combined', async () => {
    await write(ENV, DATASET);
    const products = await store().readStock(ENV, {
      organizationIds: ['org1'],
      productIds: ['p3', 'p1', 'zz'],
    });
    expect(products).toEqual(expected((r) => r.organizationId === 'org1' && r.productId !== 'p2'));
    const sites = await store().readStock(ENV, { ...ALL_ORGS, siteIds: ['s1'] });
    expect(sites).toEqual(expected((r) => site(r) === 's1'));
    const locations = await store().readStock(ENV, { organizationIds: ['org2'], locationIds: ['l1'] });
    expect(locations).toEqual(expected((r) => r.organizationId === 'org2' && location(r) === 'l1'));
    const all = {
      organizationIds: ['org1'],
      productIds: ['p2'],
      siteIds: ['s1', 's2'],
      locationIds: ['l1'],
    };
    expect(await store().readStock(ENV, all)).toEqual(
      expected(
        (r) => r.organizationId === 'org1' && r.productId === 'p2' && location(r) === 'l1' && site(r) !== '',
      ),
    );
  });

  test('readStock accepts 5,000 product ids and 10,000 site or location ids', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) =>
      row({
        productId: `p${i}`,
        dimensions: { locationid: `l${i % 50}`, siteid: `s${i % 100}` },
        partitionId: `org1~s${i % 100}~l${i % 50}`,
      }),
    );
    await write(ENV, rows);
    const products = rows.map((r) => r.productId);
    expect(await store().readStock(ENV, { organizationIds: ['org1'], productIds: products })).toHaveLength(
      5000,
    );
    const half = [...products.slice(0, 2500), ...products.slice(0, 2500).map((p) => `${p}-none`)];
    expect(await store().readStock(ENV, { organizationIds: ['org1'], productIds: half })).toHaveLength(2500);
    const sites = Array.from({ length: 10_000 }, (_, i) => `s${i}`);
    expect(await store().readStock(ENV, { organizationIds: ['org1'], siteIds: sites })).toHaveLength(5000);
    const locations = Array.from({ length: 10_000 }, (_, i) => `l${i + 40}`);
    const few = await store().readStock(ENV, {
      organizationIds: ['org1'],
      productIds: products,
      locationIds: locations,
    });
    expect(few).toEqual(ordered(rows.filter((_, i) => i % 50 >= 40)));
  }, 60_000);
}
