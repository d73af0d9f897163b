import { expect } from 'vitest';
import type { StockRow, Store } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ENV, OTHER, row } from './fixtures.js';

/**
 * The reads a hard update makes to refuse a change that would strand data (issue 20), part of
 * describeStoreConformance (conformance.ts). `current` returns the migrated store of the running test.
 */
export function describeConfigurationGuardConformance(test: DefineTest, current: () => Store): void {
  const write = (env: string, rows: readonly StockRow[]) =>
    current().transaction(['k'], (tx) => tx.writeRows(env, rows));
  /** A group row as allocation keeps it: the key's dimensions plus `@g0` … per level. */
  const group = (levels: readonly string[], quantity: bigint, measure = '@allocated') =>
    row({
      dimensions: {
        ...Object.fromEntries(levels.map((value, level) => [`@g${level}`, value])),
        locationid: 'l1',
        siteid: 's1',
      },
      dataSource: '@allocation',
      measure,
      quantity,
    });

  test('hasStockWithDimension finds a non-zero row of a measure that has the dimension', async () => {
    const store = current();
    const has = (env: string, dimension: string, measure = '@allocated') =>
      store.hasStockWithDimension(env, '@allocation', measure, dimension);
    expect(await has(ENV, '@g1')).toBe(false);
    await write(ENV, [
      group(['web'], 4n),
      group(['web', 'vip'], 0n),
      group(['web', 'vip', 'north'], 2n, '@consumed'),
      // A value that spells the key must not count as the key.
      row({
        dimensions: { colorid: '"@g2":', locationid: 'l1', siteid: 's1' },
        dataSource: '@allocation',
        measure: '@allocated',
      }),
    ]);
    expect(await has(ENV, '@g0')).toBe(true);
    expect(await has(ENV, '@g1')).toBe(false); // only a zero quantity holds it
    expect(await has(ENV, '@g2')).toBe(false); // only another measure holds it
    expect(await has(ENV, '@g2', '@consumed')).toBe(true);
    expect(await has(OTHER, '@g0')).toBe(false);
    await write(ENV, [group(['web', 'vip'], -1n)]);
    expect(await has(ENV, '@g1')).toBe(true);
  });
}
