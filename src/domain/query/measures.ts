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
  const layout = layoutOf(config, sums);
  for (const [dataSource, measure] of layout.zeros) put(dataSource, measure, 0n);
  for (const calc of layout.calculated) {
    const value = evaluateCalculated(calc, sums);
    if (value < 0n && !returnNegative) {
      if (negativeMode === 'dropRow') return undefined;
      put(calc.dataSource, calc.name, 0n);
    } else {
      put(calc.dataSource, calc.name, value);
    }
  }
  return out;
}

/** What a row with a given set of stored measures shows besides them: zero-filled inputs, calculated measures. */
interface Layout {
  readonly zeros: readonly (readonly [string, string])[];
  readonly calculated: readonly CalculatedMeasure[];
}

/** Most layouts remembered per configuration (rows mostly share a handful of measure sets). */
const MAX_LAYOUTS = 256;
const layoutCache = new WeakMap<CompiledConfiguration, Map<string, Layout>>();

/**
 * The calculated measures that use at least one of the stored measures, and the other inputs of those
 * (as zeros), in configuration order. It depends only on which measures are stored, so it is
 * remembered per configuration and set of keys (a query's rows and days share a few such sets).
 */
function layoutOf(config: CompiledConfiguration, sums: ReadonlyMap<string, Qty>): Layout {
  let cache = layoutCache.get(config);
  if (!cache) {
    cache = new Map();
    layoutCache.set(config, cache);
  }
  const signature = [...sums.keys()].sort().join('\u0000');
  let layout = cache.get(signature);
  if (layout) return layout;
  const zeros: (readonly [string, string])[] = [];
  const calculated: CalculatedMeasure[] = [];
  for (const source of config.dataSources.values()) {
    for (const calc of source.calculatedMeasures.values()) {
      const refs = refKeysOf(calc).all;
      if (!refs.some(([, , key]) => sums.has(key))) continue;
      for (const [dataSource, measure, key] of refs) if (!sums.has(key)) zeros.push([dataSource, measure]);
      calculated.push(calc);
    }
  }
  layout = { zeros, calculated };
  if (cache.size < MAX_LAYOUTS) cache.set(signature, layout);
  return layout;
}
