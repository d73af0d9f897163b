import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import type { Qty } from '../quantity.js';
import type { PublishedMeasure } from './published-measures.js';

/*
 * How a level's published measures are computed from the sums of its values (scope-state.ts): each
 * `dataSource.measure` a published measure reads gets a slot in an array of sums, so a level's sums
 * need no Map and a calculated measure no lookups by name (the feed computes them for every entry).
 */

/** A published measure: Σ of its additions' slots − Σ of its subtractions' (a physical one: its own slot). */
interface PlannedMeasure {
  readonly dataSource: string;
  readonly measure: string;
  readonly additions: readonly number[];
  readonly subtractions: readonly number[];
}

export interface MeasurePlan {
  /** The slot of each `${dataSource}.${measure}` some published measure reads. */
  readonly slots: ReadonlyMap<string, number>;
  readonly measures: readonly PlannedMeasure[];
}

const plans = new WeakMap<CompiledConfiguration, WeakMap<readonly PublishedMeasure[], MeasurePlan>>();

/** The plan of `published` under `config`, made once per configuration and list. */
export function measurePlan(
  config: CompiledConfiguration,
  published: readonly PublishedMeasure[],
): MeasurePlan {
  let byList = plans.get(config);
  if (!byList) {
    byList = new WeakMap();
    plans.set(config, byList);
  }
  let plan = byList.get(published);
  if (!plan) {
    const slots = new Map<string, number>();
    const slot = (dataSource: string, measure: string): number => {
      const key = `${dataSource}.${measure}`;
      let at = slots.get(key);
      if (at === undefined) {
        at = slots.size;
        slots.set(key, at);
      }
      return at;
    };
    const measures = published.map((m): PlannedMeasure => {
      const calc =
        m.kind === 'calculated'
          ? config.dataSources.get(m.dataSource)?.calculatedMeasures.get(m.measure)
          : undefined;
      return {
        dataSource: m.dataSource,
        measure: m.measure,
        additions: calc
          ? calc.additions.map((r) => slot(r.dataSource, r.measure))
          : [slot(m.dataSource, m.measure)],
        subtractions: calc ? calc.subtractions.map((r) => slot(r.dataSource, r.measure)) : [],
      };
    });
    plan = { slots, measures };
    byList.set(published, plan);
  }
  return plan;
}

/** The published measures by data source and measure from a level's sums (by slot). */
export function planned(plan: MeasurePlan, sums: readonly Qty[]): Record<string, Record<string, Qty>> {
  const out: Record<string, Record<string, Qty>> = {};
  for (const m of plan.measures) {
    let value: Qty;
    if (m.additions.length === 1 && m.subtractions.length === 0)
      value = sums[m.additions[0] as number] as Qty;
    else {
      value = 0n;
      for (const at of m.additions) value += sums[at] as Qty;
      for (const at of m.subtractions) value -= sums[at] as Qty;
    }
    const bag = out[m.dataSource] ?? {};
    bag[m.measure] = value;
    out[m.dataSource] = bag;
  }
  return out;
}
