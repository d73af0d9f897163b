import { describe, expect, it } from 'vitest';
import { compileConfiguration } from '../../src/domain/config/compile-configuration.js';
import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import { publishedMeasures } from '../../src/domain/feed/published-measures.js';
import { type ScopeId, ScopeState, scopeKey } from '../../src/domain/feed/scope-state.js';
import { annotate } from '../../src/engine/feed/annotate.js';
import { applyRecord } from '../../src/engine/feed/scope-states.js';
import type { FeedRecord } from '../../src/store/feed-store.js';
import type { LedgerChange } from '../../src/store/store.js';

/*
 * The hub annotates a page with states that move from entry to entry, reusing a level's measures until
 * its scope changes and a tuple's levels from entry to entry (docs/feed.md, "How availability is
 * computed"). Each entry must read exactly as if it were annotated alone from states rebuilt from
 * nothing: that is checked here on records that touch several products, partitions and levels.
 */

const base = compileConfiguration(defaultConfiguration('e'));
/** The default configuration plus an index set by colour: a level cut from the full tuple. */
const config: CompiledConfiguration = {
  ...base,
  indexSets: [...base.indexSets, { setNumber: 9, keys: ['colorid'] }],
};

const change = (
  productId: string,
  dimensions: Record<string, string>,
  measure: string,
  delta: bigint,
  date?: string,
): LedgerChange => ({
  organizationId: 'usmf',
  productId,
  dimensions,
  dataSource: 'pos',
  measure,
  delta: delta * 1_000_000n,
  ...(date === undefined ? {} : { date }),
});

const red = { colorid: 'red', locationid: '11', siteid: '1' };
const blue = { colorid: 'blue', locationid: '11', siteid: '1' };
const other = { colorid: 'red', locationid: '12', siteid: '1' };

let position = 0;
const record = (partitionId: string, changes: LedgerChange[]): FeedRecord => {
  position++;
  return {
    seq: position,
    position,
    fedAt: '2026-12-04T18:00:00.000Z',
    environmentId: 'e',
    partitionId,
    family: 'onhand',
    eventId: `e${position}`,
    bodyHash: '',
    kind: 'onhand.change',
    recordedAt: '2026-12-04T18:00:00.000Z',
    request: null,
    outcome: null,
    changes,
    reference: null,
    clientId: null,
  };
};

const p11 = 'usmf~1~11';
const p12 = 'usmf~1~12';
const records: FeedRecord[] = [
  record(p11, [change('A', red, 'inbound', 5n)]),
  record(p11, [change('A', red, 'inbound', 2n), change('A', blue, 'inbound', 3n)]),
  record(p11, [change('A', blue, 'outbound', 1n), change('B', red, 'inbound', 4n)]),
  record(p11, [change('A', red, 'inbound', 1n, '2026-12-10')]),
  record(p12, [change('A', other, 'inbound', 7n)]),
  record(p11, [change('B', red, 'outbound', 4n), change('A', red, 'outbound', 6n)]),
  record(p11, [change('A', red, 'inbound', 1n), change('A', red, 'inbound', 1n)]),
  record(p11, []),
  record(p12, [change('A', other, 'outbound', 2n), change('C', other, 'inbound', 1n)]),
];

/** States of `scopes` after `done` records, rebuilt from nothing (no kept measures). */
function statesAfter(done: readonly FeedRecord[], scopes: readonly ScopeId[]): Map<string, ScopeState> {
  const states = new Map(scopes.map((s) => [scopeKey(s), new ScopeState()]));
  for (const r of done) applyRecord(states, r, 1n);
  return states;
}

describe('annotating a page of feed entries', () => {
  it('gives every entry the availability it has when annotated alone from rebuilt states', async () => {
    const together = await annotate(config, records, async (scopes) => statesAfter([], scopes));
    expect(together.entries.some((e) => e.availability.some((a) => a.indexSet === 9))).toBe(true);
    for (const [i, r] of records.entries()) {
      const alone = await annotate(config, [r], async (scopes) => statesAfter(records.slice(0, i), scopes));
      expect(together.entries[i]).toEqual(alone.entries[0]);
    }
    // The states handed back are those after the page, as rebuilt ones are.
    const scopes = [...together.states.keys()];
    const rebuilt = statesAfter(
      records,
      scopes.map((key) => {
        const [organizationId = '', productId = '', partitionId = ''] = key.split('\u0000');
        return { organizationId, productId, partitionId };
      }),
    );
    const published = publishedMeasures(config);
    for (const key of scopes) {
      for (const dims of [red, blue, other]) {
        expect(together.states.get(key)?.quantitiesAt(dims, null, config, published)).toEqual(
          rebuilt.get(key)?.quantitiesAt(dims, null, config, published),
        );
      }
    }
  });

  it('reads a level before and after a change, and again after the next change', async () => {
    const states = statesAfter([], [{ organizationId: 'usmf', productId: 'A', partitionId: p11 }]);
    const { entries } = await annotate(config, records.slice(0, 2), async () => states);
    const [first, second] = entries.map((e) => e.availability[0]);
    expect(first?.previous.iv?.availabletoreserve).toBe(0n);
    expect(first?.quantities.iv?.availabletoreserve).toBe(5_000_000n);
    expect(second?.previous).toEqual(first?.quantities);
    expect(second?.quantities.iv?.availabletoreserve).toBe(7_000_000n);
  });
});
