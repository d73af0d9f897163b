import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { dimensionsKey } from '../../domain/dimensions.js';
import { publishedMeasures } from '../../domain/feed/published-measures.js';
import {
  type Level,
  levelsOf,
  type ScopeId,
  type ScopeState,
  scopeKey,
} from '../../domain/feed/scope-state.js';
import type { FeedRecord } from '../../store/feed-store.js';
import { type AvailabilityRecord, type FeedEntry, toFeedEntry } from './feed-entry.js';
import { applyRecord, scopesOf } from './scope-states.js';

/**
 * Turns a page of feed records (position order) into entries carrying, for each product × partition
 * they change, the published measures after the change at the full dimension tuple of each change and
 * at each index set's level. `statesAt` gives the states of the touched scopes as of the position just
 * before the first record; they are moved forward through the page (and returned, at the last record).
 * Only the records `wanted` accepts (default: all) are annotated and have their scopes loaded; the others
 * come without availability (no follower that needs it would receive them), and still move the states.
 */
export async function annotate(
  config: CompiledConfiguration,
  records: readonly FeedRecord[],
  statesAt: (scopes: ScopeId[]) => Promise<Map<string, ScopeState>>,
  wanted: (record: FeedRecord) => boolean = () => true,
): Promise<{ entries: FeedEntry[]; states: Map<string, ScopeState> }> {
  const published = publishedMeasures(config);
  const scopes = new Map<string, ScopeId>();
  if (published.length > 0)
    for (const r of records) if (wanted(r)) for (const s of scopesOf(r)) scopes.set(scopeKey(s), s);
  const states = scopes.size > 0 ? await statesAt([...scopes.values()]) : new Map<string, ScopeState>();
  const entries = records.map((record) => {
    if (published.length === 0) return toFeedEntry(record, []);
    if (!wanted(record)) {
      applyRecord(states, record, 1n);
      return toFeedEntry(record, []);
    }
    const levels = levelsByScope(config, record);
    const read = () =>
      [...levels].flatMap(([key, { scope, list }]) => {
        const state = states.get(key);
        return state
          ? list.map((level) => ({
              scope,
              level,
              q: state.quantitiesAt(level.dimensions, level.keys, config, published),
            }))
          : [];
      });
    const before = read();
    applyRecord(states, record, 1n);
    const availability: AvailabilityRecord[] = read().map(({ scope, level, q }, i) => ({
      organizationId: scope.organizationId,
      productId: scope.productId,
      partitionId: scope.partitionId,
      dimensions: level.dimensions,
      ...(level.indexSet === undefined ? {} : { indexSet: level.indexSet }),
      quantities: q,
      previous: before[i]?.q ?? q,
    }));
    return toFeedEntry(record, availability);
  });
  return { entries, states };
}

/** The levels to report for each scope a record touches, each level once. */
function levelsByScope(
  config: CompiledConfiguration,
  record: FeedRecord,
): Map<string, { scope: ScopeId; list: Level[] }> {
  const out = new Map<string, { scope: ScopeId; list: Level[]; seen: Set<string> }>();
  for (const change of record.changes) {
    if (change.date !== undefined) continue;
    const scope = {
      organizationId: change.organizationId,
      productId: change.productId,
      partitionId: record.partitionId,
    };
    const key = scopeKey(scope);
    const entry = out.get(key) ?? { scope, list: [], seen: new Set<string>() };
    out.set(key, entry);
    for (const level of levelsOf(config, change.dimensions)) {
      const id = `${level.keys?.join(',') ?? '*'}|${dimensionsKey(level.dimensions)}`;
      if (entry.seen.has(id)) continue;
      entry.seen.add(id);
      entry.list.push(level);
    }
  }
  return out;
}
