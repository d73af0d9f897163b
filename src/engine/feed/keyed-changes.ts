import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { type Dimensions, dimensionsKey } from '../../domain/dimensions.js';
import { type Level, levelId, levelsOf, type ScopeId, scopeKey } from '../../domain/feed/scope-state.js';
import type { FeedRecord } from '../../store/feed-store.js';
import type { LedgerChange } from '../../store/store.js';

/*
 * The keys the feed hub computes for a record's stock changes, each key once per change (consecutive
 * changes of one product and tuple share them) and a tuple's levels once per configuration. Not kept per
 * record in a WeakMap: one entry per record made garbage collection cost more than the keys
 * (docs/benchmarks.md, "The feed hub's CPU per entry").
 */

/** A stock change of a record (not a scheduled one) with its scope and the keys of both. */
export interface KeyedChange {
  readonly change: LedgerChange;
  readonly scope: ScopeId;
  readonly scopeKey: string;
  readonly dimensionsKey: string;
}

/** A level to report, with its id among the scope's levels (scope-state.levelId) and its tuple's key. */
export interface KeyedLevel {
  readonly level: Level;
  readonly id: string;
  /** dimensionsKey(level.dimensions). */
  readonly dimensionsKey: string;
}

/** The record's stock changes with their keys, in order. */
export function stockChangesOf(record: FeedRecord): readonly KeyedChange[] {
  const out: KeyedChange[] = [];
  let last: KeyedChange | undefined;
  for (const change of record.changes) {
    if (change.date !== undefined) continue;
    // Consecutive changes of one product (and often one tuple: format 2 shares the request's object) reuse keys.
    const sameScope =
      last !== undefined &&
      last.change.organizationId === change.organizationId &&
      last.change.productId === change.productId;
    const scope: ScopeId = sameScope
      ? (last as KeyedChange).scope
      : {
          organizationId: change.organizationId,
          productId: change.productId,
          partitionId: record.partitionId,
        };
    last = {
      change,
      scope,
      scopeKey: sameScope ? (last as KeyedChange).scopeKey : scopeKey(scope),
      dimensionsKey:
        last !== undefined && last.change.dimensions === change.dimensions
          ? last.dimensionsKey
          : dimensionsKey(change.dimensions),
    };
    out.push(last);
  }
  return out;
}

/** Levels by configuration and tuple (dimensionsKey): the same few tuples recur entry after entry. */
const levelCache = new WeakMap<CompiledConfiguration, Map<string, readonly KeyedLevel[]>>();
const LEVEL_CACHE_MAX = 10_000;

/** scope-state.levelsOf of a tuple whose key the caller holds, with each level's id; computed once. */
export function keyedLevelsOf(
  config: CompiledConfiguration,
  dimensions: Dimensions,
  key: string,
): readonly KeyedLevel[] {
  let byTuple = levelCache.get(config);
  if (!byTuple) {
    byTuple = new Map();
    levelCache.set(config, byTuple);
  }
  const known = byTuple.get(key);
  if (known) return known;
  const levels = levelsOf(config, dimensions).map((level) => ({
    level,
    id: levelId(level.dimensions, level.keys),
    dimensionsKey: level.keys === null ? key : dimensionsKey(level.dimensions),
  }));
  if (byTuple.size >= LEVEL_CACHE_MAX) byTuple.clear();
  byTuple.set(key, levels);
  return levels;
}
