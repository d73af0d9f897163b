import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import { type Dimensions, dimensionsKey, dimensionValue } from '../dimensions.js';
import type { Qty } from '../quantity.js';
import { type MeasurePlan, measurePlan, planned } from './measure-plan.js';
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

/** A stored value of a tuple. */
interface Value {
  readonly dataSource: string;
  readonly measure: string;
  /** `${dataSource}.${measure}`: the key of its sum. */
  readonly sumKey: string;
  quantity: Qty;
}

/** The values of one dimension tuple (a few: one per data source and measure stored there). */
interface Tuple {
  readonly dimensions: Dimensions;
  readonly values: Value[];
}

/**
 * The stored values of one scope at some feed position, kept in memory and moved by ledger changes
 * (deltas are exact, so moving forward and back are both plain additions). The published measures of a
 * level are kept until the next change: an entry's "before" is then the previous entry's "after".
 * Values are kept by tuple (dimensionsKey): a change finds its value without a key of its own, and
 * the full tuple's level sums that tuple's values only.
 */
export class ScopeState {
  readonly #tuples = new Map<string, Tuple>();
  #size = 0;
  /** Published measures by level (levelId) since the last change, for `#memoConfig`. */
  readonly #memo = new Map<string, LevelQuantities>();
  #memoConfig: CompiledConfiguration | undefined;
  #memoPublished: readonly PublishedMeasure[] | undefined;
  #plan: MeasurePlan | undefined;

  static of(values: Iterable<ScopeValue>): ScopeState {
    const state = new ScopeState();
    for (const v of values) state.add(v.dimensions, v.dataSource, v.measure, v.quantity);
    return state;
  }

  /**
   * Adds `delta` to one value (a value that reaches 0 stays, as a stored 0 does). `dims` is
   * dimensionsKey(dimensions), when the caller has it.
   */
  add(
    dimensions: Dimensions,
    dataSource: string,
    measure: string,
    delta: Qty,
    dims: string = dimensionsKey(dimensions),
  ): void {
    if (this.#memo.size > 0) this.#memo.clear();
    let tuple = this.#tuples.get(dims);
    if (!tuple) {
      tuple = { dimensions, values: [] };
      this.#tuples.set(dims, tuple);
    }
    for (const v of tuple.values) {
      if (v.dataSource === dataSource && v.measure === measure) {
        v.quantity += delta;
        return;
      }
    }
    tuple.values.push({ dataSource, measure, sumKey: `${dataSource}.${measure}`, quantity: delta });
    this.#size++;
  }

  clone(): ScopeState {
    const copy = new ScopeState();
    for (const [dims, { dimensions, values }] of this.#tuples)
      for (const v of values) copy.add(dimensions, v.dataSource, v.measure, v.quantity, dims);
    return copy;
  }

  /** Number of stored values (memory accounting). */
  get size(): number {
    return this.#size;
  }

  /**
   * The published measures at one level: summed over the values whose dimensions equal `level` on every
   * key of `keys` (a missing dimension counts as ""), or, with `keys` null, over exactly `level`.
   * The answer is kept until the next `add` and may be returned again (the same object): callers do not
   * change it.
   */
  quantitiesAt(
    level: Dimensions,
    keys: readonly string[] | null,
    config: CompiledConfiguration,
    published: readonly PublishedMeasure[],
  ): LevelQuantities {
    return this.levelQuantities(levelId(level, keys), level, keys, config, published);
  }

  /**
   * `quantitiesAt` of a level whose id (levelId) the caller already holds; `exact`: dimensionsKey(level),
   * when the caller holds it too (used with `keys` null).
   */
  levelQuantities(
    id: string,
    level: Dimensions,
    keys: readonly string[] | null,
    config: CompiledConfiguration,
    published: readonly PublishedMeasure[],
    exact?: string,
  ): LevelQuantities {
    if (this.#memoConfig !== config || this.#memoPublished !== published) {
      this.#memo.clear();
      this.#memoConfig = config;
      this.#memoPublished = published;
      this.#plan = measurePlan(config, published);
    }
    const known = this.#memo.get(id);
    if (known) return known;
    const plan = this.#plan as MeasurePlan;
    const sums = new Array<Qty>(plan.slots.size).fill(0n);
    if (keys === null) {
      const tuple = this.#tuples.get(exact ?? dimensionsKey(level));
      if (tuple) addTo(sums, plan.slots, tuple.values);
    } else {
      for (const tuple of this.#tuples.values())
        if (matches(tuple.dimensions, level, keys)) addTo(sums, plan.slots, tuple.values);
    }
    const out = planned(plan, sums);
    this.#memo.set(id, out);
    return out;
  }
}

function addTo(sums: Qty[], slots: ReadonlyMap<string, number>, values: readonly Value[]): void {
  for (const v of values) {
    const at = slots.get(v.sumKey);
    if (at !== undefined) sums[at] = (sums[at] as Qty) + v.quantity;
  }
}

/** Whether `dimensions` equal `level` on every key of `keys` (a missing dimension counts as ""). */
function matches(dimensions: Dimensions, level: Dimensions, keys: readonly string[]): boolean {
  for (const k of keys) if (dimensionValue(dimensions, k) !== dimensionValue(level, k)) return false;
  return true;
}

/** Identity of a level among a scope's levels: its keys and its dimensions. */
export function levelId(dimensions: Dimensions, keys: readonly string[] | null): string {
  return `${keys?.join(',') ?? '*'}|${dimensionsKey(dimensions)}`;
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
