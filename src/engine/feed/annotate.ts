import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { publishedMeasures } from '../../domain/feed/published-measures.js';
import type { LevelQuantities, ScopeId, ScopeState } from '../../domain/feed/scope-state.js';
import type { FeedRecord } from '../../store/feed-store.js';
import { type AvailabilityRecord, type FeedEntry, toFeedEntry } from './feed-entry.js';
import { type KeyedLevel, keyedLevelsOf, stockChangesOf } from './keyed-changes.js';
import { applyRecord } from './scope-states.js';

/**
 * Turns a page of feed records (position order) into entries carrying, for each product × partition
 * they change, the published measures after the change at the full dimension tuple of each change and
 * at each index set's level. `statesAt` gives the states of the touched scopes as of the position just
 * before the first record; they are moved forward through the page (and returned, at the last record).
 * Only the records `wanted` accepts (default: all) are annotated and have their scopes loaded; the others
 * come without availability (no follower that needs it would receive them), and still move the states.
 * A level's measures before a change are, most often, those computed after the previous change of its
 * scope (ScopeState keeps them until the state changes).
 */
export async function annotate(
  config: CompiledConfiguration,
  records: readonly FeedRecord[],
  statesAt: (scopes: ScopeId[]) => Promise<Map<string, ScopeState>>,
  wanted: (record: FeedRecord) => boolean = () => true,
): Promise<{ entries: FeedEntry[]; states: Map<string, ScopeState> }> {
  const published = publishedMeasures(config);
  if (published.length === 0)
    return { entries: records.map((record) => toFeedEntry(record, [])), states: new Map() };
  const want = records.map((record) => wanted(record));
  const scopes = new Map<string, ScopeId>();
  records.forEach((record, i) => {
    if (want[i]) for (const { scope, scopeKey } of stockChangesOf(record)) scopes.set(scopeKey, scope);
  });
  const states = scopes.size > 0 ? await statesAt([...scopes.values()]) : new Map<string, ScopeState>();
  const entries = records.map((record, i) => {
    if (!want[i]) {
      applyRecord(states, record, 1n);
      return toFeedEntry(record, []);
    }
    const touched = levelsByScope(config, record, states);
    const before: LevelQuantities[] = [];
    for (const { state, levels } of touched)
      for (const { level, id } of levels)
        before.push(state.levelQuantities(id, level.dimensions, level.keys, config, published));
    applyRecord(states, record, 1n);
    const availability: AvailabilityRecord[] = [];
    for (const { scope, state, levels } of touched) {
      for (const { level, id } of levels) {
        const quantities = state.levelQuantities(id, level.dimensions, level.keys, config, published);
        const previous = before[availability.length] ?? quantities;
        availability.push(
          level.indexSet === undefined
            ? {
                organizationId: scope.organizationId,
                productId: scope.productId,
                partitionId: scope.partitionId,
                dimensions: level.dimensions,
                quantities,
                previous,
              }
            : {
                organizationId: scope.organizationId,
                productId: scope.productId,
                partitionId: scope.partitionId,
                dimensions: level.dimensions,
                indexSet: level.indexSet,
                quantities,
                previous,
              },
        );
      }
    }
    return toFeedEntry(record, availability);
  });
  return { entries, states };
}

/** The levels to report for each scope a record touches whose state is known, each level once. */
function levelsByScope(
  config: CompiledConfiguration,
  record: FeedRecord,
  states: ReadonlyMap<string, ScopeState>,
): { scope: ScopeId; state: ScopeState; levels: KeyedLevel[] }[] {
  const out: { scope: ScopeId; state: ScopeState; levels: KeyedLevel[] }[] = [];
  // Per scope its levels, and their ids to keep each once (an entry may touch thousands of tuples).
  const byScope = new Map<string, { levels: KeyedLevel[]; ids: Set<string> } | null>();
  for (const { change, scope, scopeKey, dimensionsKey } of stockChangesOf(record)) {
    let known = byScope.get(scopeKey);
    if (known === undefined) {
      const state = states.get(scopeKey);
      known = state ? { levels: [], ids: new Set() } : null;
      byScope.set(scopeKey, known);
      if (state && known) out.push({ scope, state, levels: known.levels });
    }
    if (known === null) continue;
    for (const level of keyedLevelsOf(config, change.dimensions, dimensionsKey)) {
      if (known.ids.has(level.id)) continue;
      known.ids.add(level.id);
      known.levels.push(level);
    }
  }
  return out;
}
