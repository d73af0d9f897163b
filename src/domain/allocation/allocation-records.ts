import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import { type Dimensions, dimensionsKey } from '../dimensions.js';
import type { Qty } from '../quantity.js';
import type { StockValue } from '../query/query-plan.js';
import {
  ALLOCATED,
  ALLOCATION_SOURCE,
  CONSUMED,
  CUMULATIVE_ALLOCATED,
  CUMULATIVE_CONSUMED,
  isUnder,
  namedGroups,
  splitGroupDimensions,
} from './allocation-groups.js';
import type { AllocationQuery } from './allocation-query.js';

/**
 * One allocation record of the query response (spec §4.4, whose shape is [INF]): the key, the group
 * path by group name, the four `@iv` measures of the group, and for convenience what the group was
 * allocated (remaining + consumed), what it consumed and what remains to consume.
 */
export interface AllocationRecord {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Dimensions;
  readonly groups: Record<string, string>;
  readonly quantities: { readonly '@iv': Record<string, Qty> };
  readonly allocated: Qty;
  readonly consumed: Qty;
  readonly remaining: Qty;
}

/** Builds the records of a query from the stock rows of its product (other rows are ignored). */
export function allocationRecords(
  config: CompiledConfiguration,
  query: AllocationQuery,
  rows: Iterable<StockValue>,
): AllocationRecord[] {
  const wanted = dimensionsKey(query.dimensions);
  const paths = new Map<string, { groups: readonly string[]; sums: Map<string, Qty> }>();
  for (const row of rows) {
    if (row.dataSource !== ALLOCATION_SOURCE) continue;
    if (row.organizationId !== query.organizationId || row.productId !== query.productId) continue;
    const { dimensions, groups } = splitGroupDimensions(row.dimensions);
    if (dimensionsKey(dimensions) !== wanted || !isUnder(groups, query.groups)) continue;
    const key = JSON.stringify(groups);
    const entry = paths.get(key) ?? { groups, sums: new Map<string, Qty>() };
    paths.set(key, entry);
    entry.sums.set(row.measure, (entry.sums.get(row.measure) ?? 0n) + row.quantity);
  }
  return [...paths.values()]
    .sort((a, b) => comparePaths(a.groups, b.groups))
    .map(({ groups, sums }) => {
      const get = (m: string) => sums.get(m) ?? 0n;
      return {
        organizationId: query.organizationId,
        productId: query.productId,
        dimensions: query.dimensions,
        groups: namedGroups(config, groups),
        quantities: {
          '@iv': {
            [ALLOCATED]: get(ALLOCATED),
            [CONSUMED]: get(CONSUMED),
            [CUMULATIVE_ALLOCATED]: get(CUMULATIVE_ALLOCATED),
            [CUMULATIVE_CONSUMED]: get(CUMULATIVE_CONSUMED),
          },
        },
        allocated: get(ALLOCATED) + get(CONSUMED),
        consumed: get(CONSUMED),
        remaining: get(ALLOCATED),
      };
    });
}

function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
