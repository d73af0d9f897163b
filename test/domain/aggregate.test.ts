import { describe, expect, it } from 'vitest';
import { qtyOf } from '../../src/domain/quantity.js';
import { aggregate } from '../../src/domain/query/aggregate.js';
import {
  type ExactQueryInput,
  parseExactQuery,
  parseIndexQuery,
} from '../../src/domain/query/parse-query.js';
import { DEFAULT_QUERY_LIMITS } from '../../src/domain/query/query-plan.js';
import { CLAMP, inbound, indexQuery, stock } from './aggregate/aggregate-fixtures.js';
import { BY_LOCATION, BY_PRODUCT } from './helpers.js';

/* aggregate: the index hierarchy example of spec §1.9 and the output shape of §2.7.1; filters and groups: aggregate-filters.test.ts; calculated measures: aggregate-measures.test.ts. */

describe('the index hierarchy example of spec §1.9 (index ColorId, SizeId, StyleId; item D0002)', () => {
  const D0002 = [
    ['Black', 'Small', 'Dyn', 1],
    ['Black', 'Small', 'Std', 2],
    ['Black', 'Large', 'Dyn', 3],
    ['Black', 'Large', 'Std', 4],
    ['Red', 'Small', 'Dyn', 5],
    ['Red', 'Small', 'Std', 6],
    ['Red', 'Large', 'Dyn', 7],
  ] as const;
  const values = D0002.map(([colorid, sizeid, styleid, q]) =>
    stock('D0002', { colorid, sizeid, styleid }, 'pos.inbound', q),
  );

  it.each<[string, string[], [Record<string, string>, number][]]>([
    ['()', [], [[{}, 28]]],
    [
      '(ColorId)',
      ['ColorId'],
      [
        [{ ColorId: 'Black' }, 10],
        [{ ColorId: 'Red' }, 18],
      ],
    ],
    [
      '(ColorId, SizeId)',
      ['ColorId', 'SizeId'],
      [
        [{ ColorId: 'Black', SizeId: 'Large' }, 7],
        [{ ColorId: 'Black', SizeId: 'Small' }, 3],
        [{ ColorId: 'Red', SizeId: 'Large' }, 7],
        [{ ColorId: 'Red', SizeId: 'Small' }, 11],
      ],
    ],
    [
      '(ColorId, SizeId, StyleId)',
      ['ColorId', 'SizeId', 'StyleId'],
      [
        [{ ColorId: 'Black', SizeId: 'Large', StyleId: 'Dyn' }, 3],
        [{ ColorId: 'Black', SizeId: 'Large', StyleId: 'Std' }, 4],
        [{ ColorId: 'Black', SizeId: 'Small', StyleId: 'Dyn' }, 1],
        [{ ColorId: 'Black', SizeId: 'Small', StyleId: 'Std' }, 2],
        [{ ColorId: 'Red', SizeId: 'Large', StyleId: 'Dyn' }, 7],
        [{ ColorId: 'Red', SizeId: 'Small', StyleId: 'Dyn' }, 5],
        [{ ColorId: 'Red', SizeId: 'Small', StyleId: 'Std' }, 6],
      ],
    ],
  ])('group-by %s', (_name, groupByValues, expected) => {
    const plan = indexQuery(BY_PRODUCT, {
      filters: { organizationId: ['usmf'], productId: ['D0002'] },
      groupByValues,
    });
    const rows = aggregate(BY_PRODUCT, plan, values, CLAMP);
    expect(inbound(rows)).toEqual(expected.map(([dims, q]) => ['D0002', dims, qtyOf(q)]));
  });
});

describe('the output shape of spec §2.7.1', () => {
  const values = [
    stock('M0030', { siteid: '1', locationid: '13', colorid: 'White', sizeid: 'S' }, 'pos.inbound', 5),
    stock('M0030', { siteid: '1', locationid: '13', colorid: 'White', sizeid: 'M' }, 'pos.inbound', 2),
    stock('M0030', { siteid: '1', locationid: '13' }, 'pos.inbound', 4),
    stock('M0030', { siteid: '1', locationid: '11', colorid: 'White' }, 'pos.inbound', 1),
  ];

  it('names group-by dimensions in display casing and partition dimensions lower-case; "" for a missing dimension', () => {
    const rows = aggregate(
      BY_LOCATION,
      indexQuery(BY_LOCATION, {
        filters: { organizationId: ['usmf'], productId: ['M0030'] },
        groupByValues: ['colorId'],
      }),
      values,
      CLAMP,
    );
    expect(inbound(rows)).toEqual([
      ['M0030', { ColorId: '', siteid: '1', locationid: '13' }, qtyOf(4)],
      ['M0030', { ColorId: 'White', siteid: '1', locationid: '11' }, qtyOf(1)],
      ['M0030', { ColorId: 'White', siteid: '1', locationid: '13' }, qtyOf(7)],
    ]);
    expect(Object.keys(rows[0]?.dimensions ?? {})).toEqual(['ColorId', 'siteid', 'locationid']);
    expect(rows.map((r) => r.organizationId)).toEqual(['usmf', 'usmf', 'usmf']);
  });

  it('reports every group-by dimension a record was posted without as its own "" row', () => {
    const rows = aggregate(
      BY_LOCATION,
      indexQuery(BY_LOCATION, {
        filters: { organizationId: ['usmf'], productId: ['M0030'] },
        groupByValues: ['colorId', 'sizeId'],
      }),
      values,
      CLAMP,
    );
    expect(rows.map((r) => r.dimensions)).toEqual([
      { ColorId: '', SizeId: '', siteid: '1', locationid: '13' },
      { ColorId: 'White', SizeId: '', siteid: '1', locationid: '11' },
      { ColorId: 'White', SizeId: 'M', siteid: '1', locationid: '13' },
      { ColorId: 'White', SizeId: 'S', siteid: '1', locationid: '13' },
    ]);
  });

  it('lists site and location once, lower-case, even when they are grouped by explicitly', () => {
    const plan = indexQuery(BY_LOCATION, {
      filters: { organizationId: ['usmf'], productId: ['M0030'] },
      groupByValues: ['LocationId', 'colorId', 'SiteId'],
    });
    const rows = aggregate(BY_LOCATION, plan, values, CLAMP);
    expect(Object.keys(rows[0]?.dimensions ?? {})).toEqual(['ColorId', 'siteid', 'locationid']);
  });

  it.each<[string, string[], Record<string, string>[]]>([
    ['no group-by: one total per product', [], [{}]],
    [
      'a location group-by: lower-case locationid only',
      ['locationId'],
      [{ locationid: '11' }, { locationid: '13' }],
    ],
    [
      'colour and site',
      ['ColorId', 'siteId'],
      [
        { ColorId: '', siteid: '1' },
        { ColorId: 'White', siteid: '1' },
      ],
    ],
  ])('when partitioned by product, %s', (_name, groupByValues, dims) => {
    const rows = aggregate(
      BY_PRODUCT,
      parseIndexQuery(
        BY_PRODUCT,
        { filters: { organizationId: ['usmf'], productId: ['M0030'] }, groupByValues },
        DEFAULT_QUERY_LIMITS,
        1,
      ),
      values,
      CLAMP,
    );
    expect(rows.map((r) => r.dimensions)).toEqual(dims);
  });

  it('in an exact query, reports the key dimensions as if grouped by them', () => {
    const input: ExactQueryInput = {
      filters: {
        organizationId: ['usmf'],
        productId: ['M0030'],
        dimensions: ['locationId', 'siteId', 'colorId'],
        values: [['13', '1', 'White']],
      },
      groupByValues: ['sizeId'],
    };
    const rows = aggregate(
      BY_LOCATION,
      parseExactQuery(BY_LOCATION, input, DEFAULT_QUERY_LIMITS, 1),
      values,
      CLAMP,
    );
    expect(inbound(rows)).toEqual([
      ['M0030', { ColorId: 'White', SizeId: 'M', siteid: '1', locationid: '13' }, qtyOf(2)],
      ['M0030', { ColorId: 'White', SizeId: 'S', siteid: '1', locationid: '13' }, qtyOf(5)],
    ]);
  });
});
