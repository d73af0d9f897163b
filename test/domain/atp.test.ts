import { describe, expect, it } from 'vitest';
import { qtyOf } from '../../src/domain/quantity.js';
import { atpSeries } from '../../src/domain/schedule/atp.js';

const q = (values: readonly number[]) => values.map((v) => qtyOf(v));
const atp = (onHand: number, deltas: readonly number[]) => atpSeries(qtyOf(onHand), q(deltas)).map(Number);
const M = 1_000_000;

describe('ATP of a day is the smallest projected on-hand from that day to the end of the period (spec §3.5)', () => {
  // The reference example of spec §3.5: period 7, today 2022-02-01, on-hand 20.
  it.each([
    ['demand 3 on 02-01', 20, [-3, 0, 0, 0, 0, 0, 0], [17, 17, 17, 17, 17, 17, 17]],
    ['+ supply 10 on 02-03', 20, [-3, 0, 10, 0, 0, 0, 0], [17, 17, 27, 27, 27, 27, 27]],
    [
      '+ demand 15 on 02-04, supply 1 on 02-05, supply 3 on 02-06',
      20,
      [-3, 0, 10, -15, 1, 3, 0],
      [12, 12, 12, 12, 13, 16, 16],
    ],
    [
      'ship today’s 3: on-hand 17 and the schedule −3 cancels',
      17,
      [0, 0, 10, -15, 1, 3, 0],
      [12, 12, 12, 12, 13, 16, 16],
    ],
    ['the next day: the window is 02-02 … 02-08', 17, [0, 10, -15, 1, 3, 0, 0], [12, 12, 12, 13, 16, 16, 16]],
    [
      'on 02-04, the 02-03 supply never committed (it lapsed)',
      17,
      [-15, 1, 3, 0, 0, 0, 0],
      [2, 3, 6, 6, 6, 6, 6],
    ],
  ])('%s', (_step, onHand, deltas, expected) => {
    expect(atp(onHand, deltas)).toEqual(expected.map((v) => v * M));
  });

  it.each([
    ['no schedule: on-hand every day', 5, [0, 0, 0], [5, 5, 5]],
    ['nothing on hand, supply later: 0 until it comes', 0, [0, 0, 10, 0], [0, 0, 10, 10]],
    ['demand beyond stock: ATP is negative, never floored at zero', 5, [0, -8, 0], [-3, -3, -3]],
    ['late supply does not cover an earlier shortfall', 0, [-4, 0, 10], [-4, -4, 6]],
    ['a one-day period', 7, [2], [9]],
    ['an empty period', 7, [], []],
  ])('%s', (_case, onHand, deltas, expected) => {
    expect(atp(onHand, deltas)).toEqual(expected.map((v) => v * M));
  });

  it('is exact for decimals (kilograms, metres)', () => {
    expect(atpSeries(qtyOf('0.1'), [qtyOf('0.2'), qtyOf('-0.05')])).toEqual([qtyOf('0.25'), qtyOf('0.25')]);
  });

  it('never promises more on a day than any later day can bear', () => {
    const deltas = q([3, -7, 2, 0, -1, 9, -4, 1]);
    const series = atpSeries(qtyOf(10), deltas);
    let projected = qtyOf(10);
    const projections = deltas.map((d) => {
      projected += d;
      return projected;
    });
    series.forEach((value, day) => {
      for (let later = day; later < projections.length; later++)
        expect(value <= (projections[later] ?? 0n)).toBe(true);
      expect(projections.slice(day)).toContain(value);
    });
  });
});
