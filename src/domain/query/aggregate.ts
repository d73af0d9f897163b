import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import { dimensionValue, displayName, LOCATION, SITE } from '../dimensions.js';
import type { Qty } from '../quantity.js';
import type { ScheduleDate } from '../schedule/schedule-date.js';
import { atpCalendar, atpQuantities } from './atp-quantities.js';
import { finishQuantities } from './measures.js';
import type { OnHandRow, QueryLimits, QueryPlan, ScheduleValue, StockValue } from './query-plan.js';

const ORG = 'organizationid';

interface Group {
  organizationId: string;
  productId: string;
  dimensions: Record<string, string>;
  sortKey: string[];
  sums: Map<string, Qty>;
  byDate: Map<ScheduleDate, Map<string, Qty>>;
}

/**
 * Aggregates stored values into result rows (spec §2.7): filters them by the plan, groups them by
 * product, partition dimensions (always when partitioned by location) and the group-by dimensions,
 * sums physical measures and evaluates calculated measures. Rows come back in a stable order.
 *
 * ATP queries (plan.atp) also take the scheduled changes to report (spec §3.6): a group exists when it
 * has stock or scheduled changes, and its row carries quantitiesByDate and atpQuantities.
 */
export function aggregate(
  config: CompiledConfiguration,
  plan: QueryPlan,
  values: Iterable<StockValue>,
  limits: Pick<QueryLimits, 'negativeMode'>,
  scheduled: Iterable<ScheduleValue> = [],
): OnHandRow[] {
  const layout = outputLayout(config, plan);
  const groups = new Map<string, Group>();
  const groupOf = (value: StockValue): Group => {
    const parts = layout.map(([, base]) =>
      base === ORG ? value.organizationId : dimensionValue(value.dimensions, base),
    );
    const key = JSON.stringify([value.organizationId, value.productId, ...parts]);
    let group = groups.get(key);
    if (!group) {
      const dimensions: Record<string, string> = {};
      layout.forEach(([name, base], i) => {
        if (base !== ORG) dimensions[name] = parts[i] ?? '';
      });
      group = {
        organizationId: value.organizationId,
        productId: value.productId,
        dimensions,
        sortKey: parts,
        sums: new Map(),
        byDate: new Map(),
      };
      groups.set(key, group);
    }
    return group;
  };
  for (const value of values) {
    if (matches(plan, value)) add(groupOf(value).sums, value);
  }
  if (plan.atp) {
    for (const value of scheduled) {
      if (!matches(plan, value)) continue;
      const byDate = groupOf(value).byDate;
      const sums = byDate.get(value.date) ?? new Map<string, Qty>();
      byDate.set(value.date, sums);
      add(sums, value);
    }
  }
  const calendar = plan.atp ? atpCalendar(config, plan.atp) : undefined;
  const rows: OnHandRow[] = [];
  for (const group of [...groups.values()].sort(compareGroups)) {
    const quantities = finishQuantities(config, group.sums, plan.returnNegative, limits.negativeMode);
    if (!quantities) continue;
    const row: OnHandRow = {
      organizationId: group.organizationId,
      productId: group.productId,
      dimensions: group.dimensions,
      quantities,
    };
    rows.push(calendar ? { ...row, ...atpQuantities(config, calendar, group.sums, group.byDate) } : row);
  }
  return rows;
}

function add(sums: Map<string, Qty>, value: StockValue): void {
  const measureKey = `${value.dataSource}.${value.measure}`;
  sums.set(measureKey, (sums.get(measureKey) ?? 0n) + value.quantity);
}

/**
 * Output dimensions as [output name, base dimension]: exact-query keys and group-by dimensions in
 * display casing, then the partition dimensions lower-case (`siteid`, `locationid`), which are always
 * present when data is partitioned by location.
 */
function outputLayout(config: CompiledConfiguration, plan: QueryPlan): [string, string][] {
  const layout: [string, string][] = [];
  const partition = config.partitionRule === 'byLocation' ? [SITE, LOCATION] : [];
  const seen = new Set<string>();
  for (const base of [...(plan.tuples?.keys ?? []), ...plan.groupBy]) {
    if (seen.has(base) || base === ORG) continue;
    seen.add(base);
    if (base === SITE || base === LOCATION) {
      if (!partition.includes(base)) partition.push(base);
      continue;
    }
    layout.push([displayName(base), base]);
  }
  for (const base of [SITE, LOCATION]) if (partition.includes(base)) layout.push([base, base]);
  return layout;
}

/** Filters the store does not apply: other dimensions and exact tuples (it applies org, product, site, location). */
function matches(plan: QueryPlan, value: StockValue): boolean {
  for (const [base, allowed] of plan.filters) {
    if (!allowed.has(dimensionValue(value.dimensions, base))) return false;
  }
  const tuples = plan.tuples;
  if (!tuples) return true;
  return tuples.values.some((tuple) =>
    tuples.keys.every((base, i) =>
      base === ORG ? tuple[i] === value.organizationId : tuple[i] === dimensionValue(value.dimensions, base),
    ),
  );
}

function compareGroups(a: Group, b: Group): number {
  const left = [a.organizationId, a.productId, ...a.sortKey];
  const right = [b.organizationId, b.productId, ...b.sortKey];
  for (let i = 0; i < left.length; i++) {
    const x = left[i] ?? '';
    const y = right[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
