import { describe, expect, it } from 'vitest';
import { type Qty, qtyOf } from '../../src/domain/quantity.js';
import { evaluateCalculated, finishQuantities } from '../../src/domain/query/measures.js';
import { compiledFrom } from './helpers.js';

/* Calculated measures on aggregated rows (continued from aggregate.test.ts). */

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
