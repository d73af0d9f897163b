import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import { type Dimensions, dimensionsKey, dimensionValue } from '../dimensions.js';
import type { Qty } from '../quantity.js';
import { evaluateCalculated } from '../query/measures.js';
import type { PublishedMeasure } from './published-measures.js';

/** One product inside one partition: what a feed entry's availability is computed over. */
export interface ScopeId {
  readonly organizationId: string;
  readonly productId: string;
  readonly partitionId: string;
}

/** A stored value of a scope (the rest of its key is the scope's). */
export interface ScopeValue {
  readonly dimensions: Dimensions;
  readonly dataSource: string;
  readonly measure: string;
  readonly quantity: Qty;
}

/** Quantities by data source and measure. */
export type LevelQuantities = Record<string, Record<string, Qty>>;

/** Identity of a scope in maps. */
export function scopeKey(s: ScopeId): string {
  return `${s.organizationId}\u0000${s.productId}\u0000${s.partitionId}`;
}

/**
 * The stored values of one scope at some feed position, kept in memory and moved by ledger changes
 * (deltas are exact, so moving forward and back are both plain additions).
 */
export class ScopeState {
  readonly #values = new Map<
    string,
    { dimensions: Dimensions; dataSource: string; measure: string; quantity: Qty }
  >();

  static of(values: Iterable<ScopeValue>): ScopeState {
    const state = new ScopeState();
    for (const v of values) state.add(v.dimensions, v.dataSource, v.measure, v.quantity);
    return state;
  }

  /** Adds `delta` to one value (a value that reaches 0 stays, as a stored 0 does). */
  add(dimensions: Dimensions, dataSource: string, measure: string, delta: Qty): void {
    const key = `${dimensionsKey(dimensions)}\u0000${dataSource}\u0000${measure}`;
    const known = this.#values.get(key);
    if (known) known.quantity += delta;
    else this.#values.set(key, { dimensions, dataSource, measure, quantity: delta });
  }

  clone(): ScopeState {
    return ScopeState.of(this.#values.values());
  }

  /** Number of stored values (memory accounting). */
  get size(): number {
    return this.#values.size;
  }

  /**
   * The published measures at one level: summed over the values whose dimensions equal `level` on every
   * key of `keys` (a missing dimension counts as ""), or, with `keys` null, over exactly `level`.
   */
  quantitiesAt(
    level: Dimensions,
    keys: readonly string[] | null,
    config: CompiledConfiguration,
    published: readonly PublishedMeasure[],
  ): LevelQuantities {
    const exact = keys === null ? dimensionsKey(level) : undefined;
    const sums = new Map<string, Qty>();
    for (const v of this.#values.values()) {
      const inside =
        exact !== undefined
          ? dimensionsKey(v.dimensions) === exact
          : keys?.every((k) => dimensionValue(v.dimensions, k) === dimensionValue(level, k));
      if (!inside) continue;
      const key = `${v.dataSource}.${v.measure}`;
      sums.set(key, (sums.get(key) ?? 0n) + v.quantity);
    }
    const out: LevelQuantities = {};
    for (const m of published) {
      const calc = config.dataSources.get(m.dataSource)?.calculatedMeasures.get(m.measure);
      const value =
        m.kind === 'calculated' && calc
          ? evaluateCalculated(calc, sums)
          : (sums.get(`${m.dataSource}.${m.measure}`) ?? 0n);
      const bag = out[m.dataSource] ?? {};
      bag[m.measure] = value;
      out[m.dataSource] = bag;
    }
    return out;
  }
}

/** A level at which the feed reports availability: a dimension tuple and the keys it is matched on. */
export interface Level {
  readonly dimensions: Dimensions;
  /** null: the full tuple (exact match); else the partition keys and one index set's keys. */
  readonly keys: readonly string[] | null;
  /** The index set's number; undefined for the full tuple. */
  readonly indexSet?: number;
}

/**
 * The levels a change at `dimensions` is reported at: the full tuple, then, for each index set of the
 * configuration, the tuple cut down to the partition keys and the set's keys (what an index query
 * grouped by that set returns). Levels that coincide are reported once.
 */
export function levelsOf(config: CompiledConfiguration, dimensions: Dimensions): Level[] {
  const levels: Level[] = [{ dimensions, keys: null }];
  const seen = new Set([dimensionsKey(dimensions)]);
  for (const set of config.indexSets) {
    const keys = [...new Set([...config.partitionKeys, ...set.keys])];
    const cut: Record<string, string> = {};
    for (const k of [...keys].sort()) {
      const value = dimensionValue(dimensions, k);
      if (value !== '') cut[k] = value;
    }
    const id = `${keys.join(',')}|${dimensionsKey(cut)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    levels.push({ dimensions: cut, keys, indexSet: set.setNumber });
  }
  return levels;
}
