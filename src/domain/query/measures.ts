import type { CalculatedMeasure, CompiledConfiguration } from '../config/compiled-configuration.js';
import type { Qty } from '../quantity.js';

/** The "dataSource.measure" keys a calculated measure reads, computed once per compiled measure. */
interface RefKeys {
  readonly additions: readonly string[];
  readonly subtractions: readonly string[];
  /** Every reference, additions first: [dataSource, measure, key]. */
  readonly all: readonly (readonly [string, string, string])[];
}

const refKeysCache = new WeakMap<CalculatedMeasure, RefKeys>();

/** Keys of a calculated measure's references (memoised: a compiled configuration is immutable). */
function refKeysOf(calc: CalculatedMeasure): RefKeys {
  let keys = refKeysCache.get(calc);
  if (!keys) {
    const all = [...calc.additions, ...calc.subtractions].map(
      (ref) => [ref.dataSource, ref.measure, `${ref.dataSource}.${ref.measure}`] as const,
    );
    keys = {
      additions: all.slice(0, calc.additions.length).map(([, , key]) => key),
      subtractions: all.slice(calc.additions.length).map(([, , key]) => key),
      all,
    };
    refKeysCache.set(calc, keys);
  }
  return keys;
}

/** Σ additions − Σ subtractions over summed physical values keyed "dataSource.measure" (missing = 0). */
export function evaluateCalculated(calc: CalculatedMeasure, sums: ReadonlyMap<string, Qty>): Qty {
  const keys = refKeysOf(calc);
  let total = 0n;
  for (const key of keys.additions) total += sums.get(key) ?? 0n;
  for (const key of keys.subtractions) total -= sums.get(key) ?? 0n;
  return total;
}

/**
 * Builds a row's `quantities` (spec §2.7.1) from its summed physical values. Which measures appear:
 * every configured physical measure stored for the row; every calculated measure that uses at least one of them;
 * and, as 0, the other physical measures those calculated measures use. Calculated measures are
 * evaluated here, at read time. With returnNegative=false a negative calculated value is reported as
 * 0 ("clamp") or the row is left out ("dropRow", returns undefined); physical values are never changed.
 */
export function finishQuantities(
  config: CompiledConfiguration,
  sums: ReadonlyMap<string, Qty>,
  returnNegative: boolean,
  negativeMode: 'clamp' | 'dropRow',
): Record<string, Record<string, Qty>> | undefined {
  const out: Record<string, Record<string, Qty>> = {};
  const put = (dataSource: string, measure: string, value: Qty) => {
    const bag = out[dataSource] ?? {};
    bag[measure] = value;
    out[dataSource] = bag;
  };
  for (const [key, value] of sums) {
    const dot = key.indexOf('.');
    const dataSource = key.slice(0, dot);
    const measure = key.slice(dot + 1);
    // Values of measures removed from the configuration stay stored but are no longer reported.
    if (config.dataSources.get(dataSource)?.physicalMeasures.has(measure)) put(dataSource, measure, value);
  }
  const calculated: [CalculatedMeasure, Qty][] = [];
  for (const source of config.dataSources.values()) {
    for (const calc of source.calculatedMeasures.values()) {
      const refs = refKeysOf(calc).all;
      if (!refs.some(([, , key]) => sums.has(key))) continue;
      for (const [dataSource, measure, key] of refs) if (!sums.has(key)) put(dataSource, measure, 0n);
      calculated.push([calc, evaluateCalculated(calc, sums)]);
    }
  }
  for (const [calc, value] of calculated) {
    if (value < 0n && !returnNegative) {
      if (negativeMode === 'dropRow') return undefined;
      put(calc.dataSource, calc.name, 0n);
    } else {
      put(calc.dataSource, calc.name, value);
    }
  }
  return out;
}
