import { describe, expect, it } from 'vitest';
import { qtyOf } from '../../src/domain/quantity.js';
import { aggregate } from '../../src/domain/query/aggregate.js';
import {
  type ExactQueryInput,
  parseExactQuery,
  parseIndexQuery,
} from '../../src/domain/query/parse-query.js';
import { DEFAULT_QUERY_LIMITS } from '../../src/domain/query/query-plan.js';
import { CLAMP, DROP, inbound, indexQuery, stock } from './aggregate/aggregate-fixtures.js';
import { BY_LOCATION, BY_PRODUCT } from './helpers.js';

/* aggregate filters and groups (continued from aggregate.test.ts). */

describe('aggregate filters and groups', () => {
  it('sums exactly: 0.1 + 0.2 is 0.3', () => {
    const values = [
      stock('p', { siteid: '1', locationid: '11' }, 'pos.inbound', 0.1),
      stock('p', { siteid: '1', locationid: '11' }, 'pos.inbound', 0.2),
    ];
    const rows = aggregate(
      BY_LOCATION,
      indexQuery(BY_LOCATION, { filters: { organizationId: ['usmf'], productId: ['p'] } }),
      values,
      CLAMP,
    );
    expect(rows[0]?.quantities.pos?.inbound).toBe(qtyOf('0.3'));
  });

  it.each<[string, readonly string[], string[]]>([
    ['one colour', ['red'], ['red']],
    ['two colours (values are OR-ed)', ['red', 'blue'], ['blue', 'red']],
    ['records without a colour, by ""', [''], ['']],
    ['a colour nobody has', ['green'], []],
  ])('by a dimension filter: %s', (_name, colours, expected) => {
    const values = ['red', 'blue', ''].map((colorid) =>
      stock('p', { siteid: '1', locationid: '11', colorid }, 'pos.inbound', 1),
    );
    const plan = indexQuery(BY_LOCATION, {
      filters: { organizationId: ['usmf'], productId: ['p'], colorId: colours },
      groupByValues: ['colorId'],
    });
    expect(aggregate(BY_LOCATION, plan, values, CLAMP).map((r) => r.dimensions.ColorId)).toEqual(expected);
  });

  it('ANDs filters on different dimensions', () => {
    const values = [
      stock('p', { siteid: '1', locationid: '11', colorid: 'red', sizeid: 'S' }, 'pos.inbound', 1),
      stock('p', { siteid: '1', locationid: '11', colorid: 'red', sizeid: 'L' }, 'pos.inbound', 2),
      stock('p', { siteid: '1', locationid: '11', colorid: 'blue', sizeid: 'S' }, 'pos.inbound', 4),
    ];
    const plan = indexQuery(BY_LOCATION, {
      filters: { organizationId: ['usmf'], productId: ['p'], colorId: ['red'], sizeId: ['S'] },
    });
    expect(aggregate(BY_LOCATION, plan, values, CLAMP).map((r) => r.quantities.pos?.inbound)).toEqual([
      qtyOf(1),
    ]);
  });

  it('returns only the tuples an exact query lists, not their cartesian product', () => {
    const values = [
      stock('p', { siteid: 's1', locationid: 'l1' }, 'pos.inbound', 1),
      stock('p', { siteid: 's1', locationid: 'l2' }, 'pos.inbound', 2),
      stock('p', { siteid: 's2', locationid: 'l1' }, 'pos.inbound', 4),
      stock('p', { siteid: 's2', locationid: 'l2' }, 'pos.inbound', 8),
    ];
    const input: ExactQueryInput = {
      filters: {
        organizationId: ['usmf'],
        productId: ['p'],
        dimensions: ['siteId', 'locationId'],
        values: [
          ['s1', 'l1'],
          ['s2', 'l2'],
        ],
      },
    };
    const rows = aggregate(
      BY_LOCATION,
      parseExactQuery(BY_LOCATION, input, DEFAULT_QUERY_LIMITS, 1),
      values,
      CLAMP,
    );
    expect(inbound(rows)).toEqual([
      ['p', { siteid: 's1', locationid: 'l1' }, qtyOf(1)],
      ['p', { siteid: 's2', locationid: 'l2' }, qtyOf(8)],
    ]);
  });

  it('matches the organization of each tuple in a v2 exact query', () => {
    const values = [
      stock('p', { siteid: 's', locationid: 'l' }, 'pos.inbound', 1, 'org1'),
      stock('p', { siteid: 's', locationid: 'l' }, 'pos.inbound', 2, 'org2'),
      stock('p', { siteid: 's', locationid: 'l2' }, 'pos.inbound', 4, 'org2'),
    ];
    const input: ExactQueryInput = {
      filters: {
        productId: ['p'],
        keys: ['organizationId', 'siteId', 'locationId'],
        values: [
          ['org1', 's', 'l'],
          ['org2', 's', 'l2'],
        ],
      },
    };
    const rows = aggregate(
      BY_LOCATION,
      parseExactQuery(BY_LOCATION, input, DEFAULT_QUERY_LIMITS, 2),
      values,
      CLAMP,
    );
    expect(rows.map((r) => [r.organizationId, r.dimensions, r.quantities.pos?.inbound])).toEqual([
      ['org1', { siteid: 's', locationid: 'l' }, qtyOf(1)],
      ['org2', { siteid: 's', locationid: 'l2' }, qtyOf(4)],
    ]);
  });

  it('keeps organizations and products apart and orders rows by them', () => {
    const values = [
      stock('b', {}, 'pos.inbound', 1, 'org2'),
      stock('b', {}, 'pos.inbound', 2, 'org1'),
      stock('a', {}, 'pos.inbound', 4, 'org2'),
      stock('a', {}, 'pos.inbound', 8, 'org1'),
    ];
    const plan = parseIndexQuery(
      BY_PRODUCT,
      { filters: { organizationId: ['org1', 'org2'], productId: ['a', 'b'] } },
      DEFAULT_QUERY_LIMITS,
      2,
    );
    expect(
      aggregate(BY_PRODUCT, plan, values, CLAMP).map((r) => [
        r.organizationId,
        r.productId,
        r.quantities.pos?.inbound,
      ]),
    ).toEqual([
      ['org1', 'a', qtyOf(8)],
      ['org1', 'b', qtyOf(2)],
      ['org2', 'a', qtyOf(4)],
      ['org2', 'b', qtyOf(1)],
    ]);
  });

  it('evaluates calculated measures on the summed row, not per record', () => {
    const values = [
      stock('p', { siteid: '1', locationid: '11', colorid: 'red' }, 'pos.inbound', 80),
      stock('p', { siteid: '1', locationid: '11', colorid: 'blue' }, 'pos.outbound', 20),
    ];
    const rows = aggregate(
      BY_LOCATION,
      indexQuery(BY_LOCATION, { filters: { organizationId: ['usmf'], productId: ['p'] } }),
      values,
      CLAMP,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.quantities.pos).toEqual({
      inbound: qtyOf(80),
      outbound: qtyOf(20),
      availquantity: qtyOf(60),
    });
    expect(rows[0]?.quantities.fno?.availphysical).toBe(0n);
    expect(rows[0]?.quantities.iv?.availabletoreserve).toBe(qtyOf(60));
  });

  it('with returnNegative=false and dropRow, leaves out only the rows with a negative calculated measure', () => {
    const values = [
      stock('p', { siteid: '1', locationid: '11', colorid: 'red' }, 'pos.inbound', 5),
      stock('p', { siteid: '1', locationid: '11', colorid: 'blue' }, 'pos.outbound', 5),
    ];
    const plan = indexQuery(BY_LOCATION, {
      filters: { organizationId: ['usmf'], productId: ['p'] },
      groupByValues: ['colorId'],
      returnNegative: false,
    });
    expect(aggregate(BY_LOCATION, plan, values, DROP).map((r) => r.dimensions.ColorId)).toEqual(['red']);
    expect(
      aggregate(BY_LOCATION, plan, values, CLAMP).map((r) => [
        r.dimensions.ColorId,
        r.quantities.pos?.availquantity,
      ]),
    ).toEqual([
      ['blue', 0n],
      ['red', qtyOf(5)],
    ]);
  });

  it('returns no rows when nothing is stored', () => {
    expect(
      aggregate(
        BY_LOCATION,
        indexQuery(BY_LOCATION, { filters: { organizationId: ['usmf'], productId: ['p'] } }),
        [],
        CLAMP,
      ),
    ).toEqual([]);
  });
});
