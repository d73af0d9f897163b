import { describe, expect, it } from 'vitest';
import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import type { Dimensions } from '../../src/domain/dimensions.js';
import { type Qty, qtyOf } from '../../src/domain/quantity.js';
import { aggregate } from '../../src/domain/query/aggregate.js';
import { evaluateCalculated, finishQuantities } from '../../src/domain/query/measures.js';
import {
  type ExactQueryInput,
  type IndexQueryInput,
  parseExactQuery,
  parseIndexQuery,
} from '../../src/domain/query/parse-query.js';
import { DEFAULT_QUERY_LIMITS, type OnHandRow, type StockValue } from '../../src/domain/query/query-plan.js';
import { BY_LOCATION, BY_PRODUCT, compiledFrom } from './helpers.js';

const STRICT = { ...DEFAULT_QUERY_LIMITS, strictIndex: true };
const CLAMP = { negativeMode: 'clamp' } as const;
const DROP = { negativeMode: 'dropRow' } as const;

const stock = (
  productId: string,
  dimensions: Dimensions,
  measure: `${string}.${string}`,
  quantity: number | string,
  organizationId = 'usmf',
): StockValue => {
  const [dataSource = '', name = ''] = measure.split('.');
  return { organizationId, productId, dimensions, dataSource, measure: name, quantity: qtyOf(quantity) };
};

const indexQuery = (config: CompiledConfiguration, input: Partial<IndexQueryInput>, version: 1 | 2 = 1) =>
  parseIndexQuery(config, { filters: { organizationId: ['usmf'] }, ...input }, STRICT, version);

/** [productId, dimensions, pos.inbound] of each row. */
const inbound = (rows: OnHandRow[]) =>
  rows.map((r) => [r.productId, r.dimensions, r.quantities.pos?.inbound]);

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

describe('calculated measures', () => {
  /** Spec §1.6: a cross-channel measure over fno, pos and ecommerce. */
  const CROSS = compiledFrom({
    inventorySystemConfigurations: {
      fno: { physicalMeasures: ['availphysical', 'orderedintotal', 'orderedreserved'] },
      pos: { physicalMeasures: ['inbound', 'outbound'] },
      ecommerce: { physicalMeasures: ['received', 'scheduled', 'issued', 'reserved'] },
      CrossChannel: {
        dataSourceName: 'CrossChannel',
        calculatedMeasures: {
          MyCustomAvailableforReservation: {
            additionModifiers: [
              'fno.availphysical',
              'fno.orderedintotal',
              'pos.inbound',
              'ecommerce.received',
              'ecommerce.scheduled',
            ],
            subtractionModifiers: [
              'fno.orderedreserved',
              'pos.outbound',
              'ecommerce.issued',
              'ecommerce.reserved',
            ],
          },
        },
      },
    },
  });
  const SUMS = new Map<string, Qty>(
    (
      [
        ['fno.availphysical', 100],
        ['fno.orderedintotal', 50],
        ['fno.orderedreserved', 10],
        ['pos.inbound', 80],
        ['pos.outbound', 20],
        ['ecommerce.received', 90],
        ['ecommerce.scheduled', 30],
        ['ecommerce.issued', 60],
        ['ecommerce.reserved', 40],
      ] as const
    ).map(([k, v]) => [k, qtyOf(v)]),
  );

  it('the worked example of spec §1.6 is 220', () => {
    const calc = CROSS.dataSources
      .get('crosschannel')
      ?.calculatedMeasures.get('mycustomavailableforreservation');
    expect(calc).toBeDefined();
    expect(evaluateCalculated(calc!, SUMS)).toBe(qtyOf(220));
    expect(finishQuantities(CROSS, SUMS, true, 'clamp')?.crosschannel).toEqual({
      mycustomavailableforreservation: qtyOf(220),
    });
  });

  it('counts a measure that is not stored as 0', () => {
    const calc = CROSS.dataSources
      .get('crosschannel')
      ?.calculatedMeasures.get('mycustomavailableforreservation');
    expect(evaluateCalculated(calc!, new Map([['pos.outbound', qtyOf(3)]]))).toBe(qtyOf(-3));
    expect(evaluateCalculated(calc!, new Map())).toBe(0n);
  });

  /** a.c1 = a.x − a.y; a.c2 = a.z; b.c3 = a.y + b.w. */
  const SMALL = compiledFrom({
    inventorySystemConfigurations: {
      a: {
        physicalMeasures: ['x', 'y', 'z'],
        calculatedMeasures: {
          c1: { additionModifiers: ['a.x'], subtractionModifiers: ['a.y'] },
          c2: { additionModifiers: ['a.z'], subtractionModifiers: [] },
        },
      },
      b: { physicalMeasures: ['w'], calculatedMeasures: { c3: { additionModifiers: ['a.y', 'b.w'] } } },
    },
  });
  const sums = (entries: Record<string, number>) =>
    new Map(Object.entries(entries).map(([k, v]) => [k, qtyOf(v)]));
  const q = (record: Record<string, Record<string, number>>) =>
    Object.fromEntries(
      Object.entries(record).map(([ds, m]) => [
        ds,
        Object.fromEntries(Object.entries(m).map(([k, v]) => [k, qtyOf(v)])),
      ]),
    );

  it.each<[string, Record<string, number>, Record<string, Record<string, number>>]>([
    ['nothing stored: nothing reported', {}, {}],
    [
      'a stored measure, the calculated measures using it, and their other inputs as 0',
      { 'a.x': 5 },
      { a: { x: 5, y: 0, c1: 5 } },
    ],
    [
      'a measure used by two calculated measures in two data sources',
      { 'a.y': 2 },
      { a: { x: 0, y: 2, c1: -2 }, b: { w: 0, c3: 2 } },
    ],
    ['inputs zero-filled under their own data source', { 'b.w': 1 }, { a: { y: 0 }, b: { w: 1, c3: 1 } }],
    [
      'every stored measure, even one no formula uses',
      { 'a.z': 4, 'b.w': 0 },
      { a: { z: 4, c2: 4, y: 0 }, b: { w: 0, c3: 0 } },
    ],
  ])('report %s', (_name, stored, expected) => {
    expect(finishQuantities(SMALL, sums(stored), true, 'clamp')).toEqual(q(expected));
  });

  it.each<
    [
      string,
      Record<string, number>,
      boolean,
      'clamp' | 'dropRow',
      Record<string, Record<string, number>> | undefined,
    ]
  >([
    [
      'returnNegative=true keeps a negative result',
      { 'a.x': 1, 'a.y': 4 },
      true,
      'clamp',
      { a: { x: 1, y: 4, c1: -3 }, b: { w: 0, c3: 4 } },
    ],
    [
      'returnNegative=true ignores dropRow',
      { 'a.x': 1, 'a.y': 4 },
      true,
      'dropRow',
      { a: { x: 1, y: 4, c1: -3 }, b: { w: 0, c3: 4 } },
    ],
    [
      'clamp reports a negative result as 0',
      { 'a.x': 1, 'a.y': 4 },
      false,
      'clamp',
      { a: { x: 1, y: 4, c1: 0 }, b: { w: 0, c3: 4 } },
    ],
    ['dropRow leaves the row out', { 'a.x': 1, 'a.y': 4 }, false, 'dropRow', undefined],
    [
      'clamp never changes a negative physical measure',
      { 'a.z': -3 },
      false,
      'clamp',
      { a: { z: -3, c2: 0 } },
    ],
    [
      'dropRow keeps a row whose only negatives are physical',
      { 'a.y': -1, 'b.w': 5 },
      false,
      'dropRow',
      { a: { x: 0, y: -1, c1: 1 }, b: { w: 5, c3: 4 } },
    ],
    [
      'a result of exactly 0 is not negative',
      { 'a.x': 2, 'a.y': 2 },
      false,
      'dropRow',
      { a: { x: 2, y: 2, c1: 0 }, b: { w: 0, c3: 2 } },
    ],
  ])('%s', (_name, stored, returnNegative, mode, expected) => {
    expect(finishQuantities(SMALL, sums(stored), returnNegative, mode)).toEqual(
      expected === undefined ? undefined : q(expected),
    );
  });
});
