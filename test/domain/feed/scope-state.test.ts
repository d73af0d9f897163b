import { describe, expect, it } from 'vitest';
import { compileConfiguration } from '../../../src/domain/config/compile-configuration.js';
import type { CompiledConfiguration } from '../../../src/domain/config/compiled-configuration.js';
import { defaultConfiguration } from '../../../src/domain/config/default-configuration.js';
import { publishedMeasures } from '../../../src/domain/feed/published-measures.js';
import { ScopeState } from '../../../src/domain/feed/scope-state.js';
import { evaluateCalculated } from '../../../src/domain/query/measures.js';

/*
 * A scope's state keeps its values by tuple: each level's published measures must be the sums of
 * the values at that level (the full tuple exactly, an index set's level by its keys), whatever order
 * the values came in, and moving back by the same deltas gives the measures of before.
 */

const config = compileConfiguration(defaultConfiguration('e'));
const published = publishedMeasures(config);
const red11 = { colorid: 'red', locationid: '11', siteid: '1' };
const blue11 = { colorid: 'blue', locationid: '11', siteid: '1' };
const red12 = { colorid: 'red', locationid: '12', siteid: '1' };
const values = [
  [red11, 'pos', 'inbound', 5_000_000n],
  [blue11, 'pos', 'inbound', 2_000_000n],
  [red11, 'iv', 'softreserved', 1_000_000n],
  [red12, 'pos', 'inbound', 7_000_000n],
  [red11, 'pos', 'inbound', -500_000n],
] as const;

describe("a scope's state", () => {
  it('sums exactly the values of a level, by tuple and by keys', () => {
    const state = new ScopeState();
    for (const [dims, source, measure, delta] of values) state.add(dims, source, measure, delta);
    expect(state.size).toBe(4);
    const atRed11 = state.quantitiesAt(red11, null, config, published);
    expect(atRed11.iv?.availabletoreserve).toBe(3_500_000n);
    const atSite = state.quantitiesAt(
      { locationid: '11', siteid: '1' },
      ['siteid', 'locationid'],
      config,
      published,
    );
    expect(atSite.iv?.availabletoreserve).toBe(5_500_000n);
    expect(state.quantitiesAt({ siteid: '1' }, ['siteid'], config, published).iv?.availabletoreserve).toBe(
      12_500_000n,
    );
    // A copy moves on its own; taking the values back gives zeros, and the values stay (stored zeros).
    const copy = state.clone();
    for (const [dims, source, measure, delta] of values) copy.add(dims, source, measure, -delta);
    expect(copy.size).toBe(4);
    expect(copy.quantitiesAt(red11, null, config, published).iv?.availabletoreserve).toBe(0n);
    expect(state.quantitiesAt(red11, null, config, published)).toBe(atRed11);
  });

  it('computes physical and calculated published measures as the sums and formulas of the configuration', () => {
    const named: CompiledConfiguration = {
      ...config,
      runtime: {
        ...config.runtime,
        feedConfiguration: {
          publishedMeasures: [
            'pos.inbound',
            'iv.softreserved',
            'iv.availabletoreserve',
            '@iv.@available_to_allocate',
          ],
        },
      },
    };
    const measures = publishedMeasures(named);
    expect(measures.map((m) => m.kind)).toEqual(['physical', 'physical', 'calculated', 'calculated']);
    const state = new ScopeState();
    for (const [dims, source, measure, delta] of values) state.add(dims, source, measure, delta);
    // The reference: a Map of the level's sums and evaluateCalculated, as the feed computed them before.
    const sums = new Map<string, bigint>();
    for (const [dims, source, measure, delta] of values)
      if (dims === red11) sums.set(`${source}.${measure}`, (sums.get(`${source}.${measure}`) ?? 0n) + delta);
    const expected: Record<string, Record<string, bigint>> = {};
    for (const m of measures) {
      const calc = named.dataSources.get(m.dataSource)?.calculatedMeasures.get(m.measure);
      const bag = expected[m.dataSource] ?? {};
      bag[m.measure] = calc
        ? evaluateCalculated(calc, sums)
        : (sums.get(`${m.dataSource}.${m.measure}`) ?? 0n);
      expected[m.dataSource] = bag;
    }
    expect(state.quantitiesAt(red11, null, named, measures)).toEqual(expected);
    expect(expected.pos?.inbound).toBe(4_500_000n);
    expect(expected.iv?.availabletoreserve).toBe(3_500_000n);
  });
});
