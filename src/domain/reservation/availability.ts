import type {
  CalculatedMeasure,
  CompiledConfiguration,
  MeasureRef,
} from '../config/compiled-configuration.js';
import { type Dimensions, dimensionsKey, dimensionValue } from '../dimensions.js';
import type { Qty } from '../quantity.js';
import { evaluateCalculated } from '../query/measures.js';
import type { StockValue } from '../query/query-plan.js';

/** A pending change to one measure at the reservation's own dimensions. */
export interface PendingDelta {
  readonly dataSource: string;
  readonly measure: string;
  readonly delta: Qty;
}

/**
 * The available-for-reservation measure at the reservation's dimensions (spec §5.2): the calculated
 * measure evaluated over every stored value of the product whose dimensions match all the given ones
 * (dimensions not given match any value). `extra` adds a pending delta to one measure first.
 */
export function availableToReserve(
  config: CompiledConfiguration,
  afr: MeasureRef,
  values: Iterable<StockValue>,
  dimensions: Dimensions,
  extra?: PendingDelta,
): Qty {
  return availableAtLevel(config, afr, values, dimensions, dimensions, extra, false);
}

/**
 * The available-for-reservation measure at a coarser `level` of a reservation made at `own`
 * dimensions (`level` ⊆ `own`), with `extra` applied at `own`. Values are grouped by their exact
 * dimension tuple and the measure is evaluated per tuple. Tuples that are the reservation's own or
 * coarser (their dimensions are a subset of `own`, such as a reservation made without a colour) count
 * in full: their reservations are claims on the pooled stock. Every other tuple (a sibling or a finer
 * one) counts only with what it has left (negative values count as zero): a colour oversold by an
 * unchecked reservation or an ERP deduction cannot take units from other colours, so its deficit does
 * not block them. With `clampOthers` false every tuple counts in full (the check at `own` itself).
 */
export function availableAtLevel(
  config: CompiledConfiguration,
  afr: MeasureRef,
  values: Iterable<StockValue>,
  level: Dimensions,
  own: Dimensions,
  extra: PendingDelta | undefined,
  clampOthers = true,
): Qty {
  const calc = config.dataSources.get(afr.dataSource)?.calculatedMeasures.get(afr.measure);
  if (!calc) return 0n;
  return pooledAvailable(calc, values, level, own, extra, clampOthers);
}

/**
 * The pooled availability of availableAtLevel for any formula (Σ additions − Σ subtractions), such as
 * the available-to-allocate formula of the allocation configuration.
 */
export function pooledAvailable(
  calc: CalculatedMeasure,
  values: Iterable<StockValue>,
  level: Dimensions,
  own: Dimensions,
  extra: PendingDelta | undefined,
  clampOthers: boolean,
): Qty {
  const wanted = Object.entries(level);
  const tuples = new Map<string, { dims: Dimensions; sums: Map<string, Qty> }>();
  const add = (dims: Dimensions, dataSource: string, measure: string, quantity: Qty) => {
    const key = dimensionsKey(dims);
    const tuple = tuples.get(key) ?? { dims, sums: new Map<string, Qty>() };
    tuples.set(key, tuple);
    const measureKey = `${dataSource}.${measure}`;
    tuple.sums.set(measureKey, (tuple.sums.get(measureKey) ?? 0n) + quantity);
  };
  for (const value of values) {
    if (wanted.every(([d, v]) => dimensionValue(value.dimensions, d) === v)) {
      add(value.dimensions, value.dataSource, value.measure, value.quantity);
    }
  }
  if (extra) add(own, extra.dataSource, extra.measure, extra.delta);
  let total = 0n;
  for (const { dims, sums } of tuples.values()) {
    const available = evaluateCalculated(calc, sums);
    const claimsPool = Object.entries(dims).every(([d, v]) => own[d] === v);
    total += !clampOthers || claimsPool || available > 0n ? available : 0n;
  }
  return total;
}
