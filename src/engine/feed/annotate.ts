import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { publishedMeasures } from '../../domain/feed/published-measures.js';
import type { LevelQuantities, ScopeId, ScopeState } from '../../domain/feed/scope-state.js';
import type { FeedRecord } from '../../store/feed-store.js';
import { type AvailabilityRecord, type FeedEntry, toFeedEntry } from './feed-entry.js';
import { type KeyedChange, type KeyedLevel, keyedLevelsOf, stockChangesOf } from './keyed-changes.js';
import { applyChanges } from './scope-states.js';

/** What `annotate` answers: the entries, the states after the page and each record's stock changes. */
export interface Annotated {
  readonly entries: FeedEntry[];
  readonly states: Map<string, ScopeState>;
  /** stockChangesOf of each record, in order (ScopeCache.advance takes them). */
  readonly changes: (readonly KeyedChange[])[];
}

/**
 * Turns a page of feed records (position order) into entries carrying, for each product × partition
 * they change, the published measures after the change at the full dimension tuple of each change and
 * at each index set's level. `statesAt` gives the states of the touched scopes as of the position just
 * before the first record; they are moved forward through the page (and returned, at the last record).
 * Only the records `wanted` accepts (default: all) are annotated and have their scopes loaded; the others
 * come without availability (no follower that needs it would receive them), and still move the states.
 * A level's measures before a change are, most often, those computed after the previous change of its
 * scope (ScopeState keeps them until the state changes). A record's stock changes and their keys are
 * computed once here, for every use (docs/benchmarks.md, "The live stream's CPU per entry").
 */
export async function annotate(
  config: CompiledConfiguration,
  records: readonly FeedRecord[],
  statesAt: (scopes: ScopeId[]) => Promise<Map<string, ScopeState>>,
  wanted?: (record: FeedRecord) => boolean,
): Promise<Annotated> {
  const changes = records.map(stockChangesOf);
  const published = publishedMeasures(config);
  if (published.length === 0)
    return { entries: records.map((record) => toFeedEntry(record, [])), states: new Map(), changes };
  const want = wanted === undefined ? undefined : records.map((record) => wanted(record));
  const scopes = new Map<string, ScopeId>();
  for (let i = 0; i < records.length; i++) {
    if (want !== undefined && !want[i]) continue;
    for (const { scope, scopeKey } of changes[i] as readonly KeyedChange[]) scopes.set(scopeKey, scope);
  }
  const states = scopes.size > 0 ? await statesAt([...scopes.values()]) : new Map<string, ScopeState>();
  const entries = records.map((record, i) => {
    const keyed = changes[i] as readonly KeyedChange[];
    if (want !== undefined && !want[i]) {
      applyChanges(states, keyed, 1n);
      return toFeedEntry(record, []);
    }
    const touched = levelsByScope(config, keyed, states);
    if (touched.length === 0) {
      applyChanges(states, keyed, 1n);
      return toFeedEntry(record, []);
    }
    const before: LevelQuantities[] = [];
    for (const { state, levels } of touched)
      for (const { level, id, dimensionsKey } of levels)
        before.push(
          state.levelQuantities(id, level.dimensions, level.keys, config, published, dimensionsKey),
        );
    applyChanges(states, keyed, 1n);
    const availability: AvailabilityRecord[] = [];
    for (const { scope, state, levels } of touched) {
      for (const { level, id, dimensionsKey } of levels) {
        const quantities = state.levelQuantities(
          id,
          level.dimensions,
          level.keys,
          config,
          published,
          dimensionsKey,
        );
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
  return { entries, states, changes };
}

/** A scope a record touches whose state is known, with the levels to report, each once. */
interface Touched {
  readonly scope: ScopeId;
  readonly state: ScopeState;
  /** Shared with keyedLevelsOf's cache while it holds one tuple's levels: copied before it grows. */
  levels: readonly KeyedLevel[];
  /** The tuple (dimensionsKey) whose levels `levels` is, while it holds only one tuple's. */
  tuple: string | undefined;
  /** The ids in `levels`, once it holds more than one tuple's. */
  ids: Set<string> | undefined;
}

/**
 * The levels to report for each scope a record touches whose state is known, each level once. Most
 * records change one tuple of one product: their levels are then the cached ones, without a copy.
 */
function levelsByScope(
  config: CompiledConfiguration,
  changes: readonly KeyedChange[],
  states: ReadonlyMap<string, ScopeState>,
): Touched[] {
  const out: Touched[] = [];
  // Per scope (an entry may touch thousands of tuples): null when its state is not known.
  let byScope: Map<string, Touched | null> | undefined;
  let lastKey: string | undefined;
  let last: Touched | null = null;
  for (const { change, scope, scopeKey, dimensionsKey } of changes) {
    if (scopeKey !== lastKey) {
      if (lastKey !== undefined && byScope === undefined) byScope = new Map([[lastKey, last]]);
      let known: Touched | null | undefined = byScope?.get(scopeKey);
      if (known === undefined) {
        const state = states.get(scopeKey);
        known = state ? { scope, state, levels: [], tuple: undefined, ids: undefined } : null;
        byScope?.set(scopeKey, known);
        if (known) out.push(known);
      }
      lastKey = scopeKey;
      last = known;
    }
    if (last === null || last.tuple === dimensionsKey) continue;
    const levels = keyedLevelsOf(config, change.dimensions, dimensionsKey);
    if (last.levels.length === 0) {
      last.levels = levels;
      last.tuple = dimensionsKey;
      continue;
    }
    if (last.ids === undefined) {
      last.ids = new Set(last.levels.map((l) => l.id));
      last.levels = [...last.levels];
      last.tuple = undefined;
    }
    for (const level of levels) {
      if (last.ids.has(level.id)) continue;
      last.ids.add(level.id);
      (last.levels as KeyedLevel[]).push(level);
    }
  }
  return out;
}
