import type { CompiledConfiguration, MeasureRef } from '../config/compiled-configuration.js';
import { type Dimensions, dimensionValue } from '../dimensions.js';
import type { Qty } from '../quantity.js';
import { evaluateCalculated } from '../query/measures.js';
import type { StockValue } from '../query/query-plan.js';

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
  extra?: { readonly dataSource: string; readonly measure: string; readonly delta: Qty },
): Qty {
  const calc = config.dataSources.get(afr.dataSource)?.calculatedMeasures.get(afr.measure);
  if (!calc) return 0n;
  const sums = new Map<string, Qty>();
  const wanted = Object.entries(dimensions);
  for (const value of values) {
    if (!wanted.every(([d, v]) => dimensionValue(value.dimensions, d) === v)) continue;
    const key = `${value.dataSource}.${value.measure}`;
    sums.set(key, (sums.get(key) ?? 0n) + value.quantity);
  }
  if (extra) {
    const key = `${extra.dataSource}.${extra.measure}`;
    sums.set(key, (sums.get(key) ?? 0n) + extra.delta);
  }
  return evaluateCalculated(calc, sums);
}
