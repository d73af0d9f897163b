import { describe, expect, it } from 'vitest';
import { pageByWarehouse } from '../../src/domain/query/paging.js';
import type { OnHandRow } from '../../src/domain/query/query-plan.js';

const row = (productId: string, locationid?: string): OnHandRow => ({
  organizationId: 'usmf',
  productId,
  dimensions: locationid === undefined ? { ColorId: 'red' } : { ColorId: 'red', siteid: '1', locationid },
  quantities: { pos: { inbound: 1n } },
});

/** Rows as aggregate returns them (by product first), spread over warehouses 11, 12, 13 and one without. */
const ROWS = [row('a', '13'), row('a', '11'), row('b', '12'), row('b', '11'), row('c'), row('c', '13')];
const label = (rows: readonly OnHandRow[]) =>
  rows.map((r) => `${r.productId}@${r.dimensions.locationid ?? ''}`);

describe('pageByWarehouse (spec §2.7.2)', () => {
  it.each<[number, number, string[], boolean]>([
    [1, 2, ['c@', 'a@11', 'b@11'], true],
    [2, 2, ['b@12', 'a@13', 'c@13'], false],
    [3, 2, [], false],
    [1, 1, ['c@'], true],
    [4, 1, ['a@13', 'c@13'], false],
    [1, 4, ['c@', 'a@11', 'b@11', 'b@12', 'a@13', 'c@13'], false],
    [1, 100, ['c@', 'a@11', 'b@11', 'b@12', 'a@13', 'c@13'], false],
  ])('page %i of size %i holds %j (more: %s)', (pageNumber, pageSize, expected, hasMore) => {
    const page = pageByWarehouse(ROWS, pageNumber, pageSize);
    expect(label(page.rows)).toEqual(expected);
    expect(page.hasMore).toBe(hasMore);
  });

  it('puts all rows of a warehouse on one page, however many there are', () => {
    const many = Array.from({ length: 50 }, (_, i) =>
      row(`p${String(i).padStart(2, '0')}`, i % 2 ? 'B' : 'A'),
    );
    const first = pageByWarehouse(many, 1, 1);
    expect(first.rows).toHaveLength(25);
    expect(new Set(first.rows.map((r) => r.dimensions.locationid))).toEqual(new Set(['A']));
    expect(first.hasMore).toBe(true);
  });

  it('returns every row exactly once across the pages', () => {
    const seen: OnHandRow[] = [];
    for (let n = 1; ; n++) {
      const page = pageByWarehouse(ROWS, n, 2);
      seen.push(...page.rows);
      if (!page.hasMore) break;
    }
    expect(new Set(seen)).toEqual(new Set(ROWS));
    expect(seen).toHaveLength(ROWS.length);
  });

  it('sorts warehouses as text and keeps the row order within a warehouse', () => {
    const rows = [row('z', '2'), row('y', '10'), row('x', '2')];
    expect(label(pageByWarehouse(rows, 1, 10).rows)).toEqual(['y@10', 'z@2', 'x@2']);
  });

  it('returns an empty last page for no rows', () => {
    expect(pageByWarehouse([], 1, 10)).toEqual({ rows: [], hasMore: false });
  });

  it('does not reorder the rows it was given', () => {
    const before = label(ROWS);
    pageByWarehouse(ROWS, 1, 2);
    expect(label(ROWS)).toEqual(before);
  });
});
