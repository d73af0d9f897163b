import { describe, expect, it } from 'vitest';
import { applyOnHand, type MeasureState } from '../../src/domain/apply-onhand.js';
import { type OnHandInput, toChangeCommand, toSetCommand } from '../../src/domain/onhand-command.js';
import { MAX_STORED_QTY, type Qty } from '../../src/domain/quantity.js';
import { BY_LOCATION, expectFailure } from './helpers.js';

const BASE: OnHandInput = {
  id: 'e-1',
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensions: { siteId: '1', locationId: '11' },
  quantities: {},
};

const change = (quantities: OnHandInput['quantities']) =>
  toChangeCommand(BY_LOCATION, { ...BASE, quantities });
const count = (quantities: OnHandInput['quantities'], modifiedDateTimeUTC?: string) =>
  toSetCommand(BY_LOCATION, 'pos', {
    ...BASE,
    quantities,
    ...(modifiedDateTimeUTC === undefined ? {} : { modifiedDateTimeUTC }),
  });

/** A store of measure states keyed "ds.measure". */
const stateOf =
  (entries: Record<string, MeasureState>) =>
  (dataSource: string, measure: string): MeasureState | undefined =>
    entries[`${dataSource}.${measure}`];

const T9 = '2024-03-01T09:00:00.000Z';
const T10 = '2024-03-01T10:00:00.000Z';
const T11 = '2024-03-01T11:00:00.000Z';

describe('applying an on-hand change', () => {
  it.each<[string, Qty | undefined, number | string, Qty]>([
    ['adds a delta to the stored value', 5_000_000n, 3, 8_000_000n],
    ['starts from 0 when nothing is stored', undefined, 3, 3_000_000n],
    ['subtracts a negative delta', 5_000_000n, -7, -2_000_000n],
    ['adds decimals exactly', 100_000n, 0.2, 300_000n],
    ['keeps millionths', 1n, '0.000001', 2n],
  ])('%s', (_name, stored, delta, after) => {
    const state = stateOf(
      stored === undefined ? {} : { 'pos.inbound': { quantity: stored, countedAt: null } },
    );
    const { effects, staleMeasures } = applyOnHand(change({ pos: { inbound: delta } }), state);
    expect(effects).toEqual([
      { dataSource: 'pos', measure: 'inbound', before: stored ?? 0n, after, countedAt: null },
    ]);
    expect(staleMeasures).toEqual([]);
  });

  it('changes every measure of the event', () => {
    const state = stateOf({ 'pos.outbound': { quantity: 2_000_000n, countedAt: null } });
    const { effects } = applyOnHand(change({ pos: { inbound: 10, outbound: 3 }, iv: { ordered: 1 } }), state);
    expect(effects.map((e) => [`${e.dataSource}.${e.measure}`, e.after])).toEqual([
      ['pos.inbound', 10_000_000n],
      ['pos.outbound', 5_000_000n],
      ['iv.ordered', 1_000_000n],
    ]);
  });

  it('keeps the time of the last count: deltas never change it', () => {
    const state = stateOf({ 'pos.inbound': { quantity: 100_000_000n, countedAt: T10 } });
    const { effects } = applyOnHand(change({ pos: { inbound: -1 } }), state);
    expect(effects[0]).toMatchObject({ after: 99_000_000n, countedAt: T10 });
  });

  it.each<[string, Qty, number]>([
    ['above', MAX_STORED_QTY - 500_000n, 1],
    ['below', -MAX_STORED_QTY + 500_000n, -1],
  ])('refuses a delta that would take the stored value %s the storable range', (_name, stored, delta) => {
    const state = stateOf({ 'pos.inbound': { quantity: stored, countedAt: null } });
    expectFailure(
      () => applyOnHand(change({ pos: { inbound: delta } }), state),
      'quantity_out_of_range',
      '/quantities/pos/inbound',
    );
  });

  it('accepts a delta that lands exactly on the edge of the storable range', () => {
    const state = stateOf({ 'pos.inbound': { quantity: MAX_STORED_QTY - 1_000_000n, countedAt: null } });
    expect(applyOnHand(change({ pos: { inbound: 1 } }), state).effects[0]?.after).toBe(MAX_STORED_QTY);
  });
});

describe('applying a count (set on-hand)', () => {
  it('sets the value regardless of what was stored, and remembers the count time', () => {
    const state = stateOf({ 'pos.inbound': { quantity: 37_000_000n, countedAt: null } });
    const { effects, staleMeasures } = applyOnHand(count({ pos: { inbound: 100 } }, T10), state);
    expect(effects).toEqual([
      { dataSource: 'pos', measure: 'inbound', before: 37_000_000n, after: 100_000_000n, countedAt: T10 },
    ]);
    expect(staleMeasures).toEqual([]);
  });

  it.each<[string, string | null, string, boolean]>([
    ['a first count', null, T10, true],
    ['a newer count', T9, T10, true],
    ['a count with the same time', T10, T10, true],
    ['an older count', T11, T10, false],
    ['a count one millisecond older', '2024-03-01T10:00:00.001Z', T10, false],
    ['an older count given in another time zone', T11, '2024-03-01T11:30:00+02:00', false],
    ['a newer count given in another time zone', T9, '2024-03-01T11:30:00+02:00', true],
    // Compared as instants, not as text (issue 20): an older version could store a six-digit year.
    ['a count after a stored time in year 10000', '+010000-01-01T01:00:00.000Z', T10, false],
    ['a count in year 9999 after one in year 999', '0999-03-01T10:00:00.000Z', '9999-03-01T10:00:00Z', true],
    ['a count in year 999 after one in year 9999', '9999-03-01T10:00:00.000Z', '0999-03-01T10:00:00Z', false],
  ])('%s: applied = %s', (_name, last, countTime, applied) => {
    const state = stateOf({ 'pos.inbound': { quantity: 7_000_000n, countedAt: last } });
    const { effects, staleMeasures } = applyOnHand(count({ pos: { inbound: 100 } }, countTime), state);
    if (applied) {
      expect(effects).toHaveLength(1);
      expect(effects[0]?.after).toBe(100_000_000n);
      expect(staleMeasures).toEqual([]);
    } else {
      expect(effects).toEqual([]);
      expect(staleMeasures).toEqual(['pos.inbound']);
    }
  });

  it('decides per measure: a stale measure is left alone while the others of the count apply', () => {
    const state = stateOf({
      'pos.inbound': { quantity: 7_000_000n, countedAt: T11 },
      'pos.outbound': { quantity: 2_000_000n, countedAt: T9 },
    });
    const { effects, staleMeasures } = applyOnHand(count({ pos: { inbound: 100, outbound: 0 } }, T10), state);
    expect(effects).toEqual([
      { dataSource: 'pos', measure: 'outbound', before: 2_000_000n, after: 0n, countedAt: T10 },
    ]);
    expect(staleMeasures).toEqual(['pos.inbound']);
  });

  it('applies a count after deltas, which carry no count time', () => {
    const afterDelta = applyOnHand(change({ pos: { inbound: 5 } }), stateOf({})).effects[0]!;
    const state = stateOf({ 'pos.inbound': { quantity: afterDelta.after, countedAt: afterDelta.countedAt } });
    expect(applyOnHand(count({ pos: { inbound: 1 } }, T9), state).effects[0]).toMatchObject({
      before: 5_000_000n,
      after: 1_000_000n,
      countedAt: T9,
    });
  });

  it('can set a measure to a negative value or to zero', () => {
    const { effects } = applyOnHand(count({ pos: { inbound: -4, outbound: 0 } }, T10), stateOf({}));
    expect(effects.map((e) => e.after)).toEqual([-4_000_000n, 0n]);
  });
});
