import { fail } from '../codes.js';
import type { CompiledConfiguration, DataSourceConfig } from '../config/compiled-configuration.js';
import { checkDimensionValue, checkId } from '../identifiers.js';
import { toBase } from '../resolve-dimensions.js';
import type { QueryLimits } from './query-plan.js';

/* Checks shared by parseIndexQuery and parseExactQuery. Each throws OnhandError with a JSON pointer. */

/** Filter and key name of the organization id (not a dimension). */
export const ORG = 'organizationid';
/** Filter name of the product id (not a dimension). */
export const PRODUCT = 'productid';

/** Queries need an index hierarchy: fails with no_index_hierarchy when none is set. */
export function requireIndex(config: CompiledConfiguration): void {
  if (config.indexSets.length === 0) fail('no_index_hierarchy', '', 'No index hierarchy has been set.');
}

/** Resolves a base or mapped dimension name to its base dimension, or fails with unknown_dimension. */
export function resolveDimension(source: DataSourceConfig | undefined, key: string, path: string): string {
  const base = toBase(source, key);
  if (!base) fail('unknown_dimension', path, `"${key}" is not a base dimension or a mapped dimension.`);
  return base;
}

/** Checks one filter value: an id for organizationid and productid, a dimension value otherwise. */
export function checkFilterValue(name: string, value: string, path: string): string {
  return name === ORG || name === PRODUCT ? checkId(value, path) : checkDimensionValue(value, path);
}

/** Data partitioned by product can only be read product by product: at least one productId is needed. */
export function requireProductWhenByProduct(config: CompiledConfiguration, products: number): void {
  if (config.partitionRule === 'byProduct' && products === 0) {
    fail(
      'invalid_query',
      '/filters/productId',
      'Give at least one productId: data is partitioned by product.',
    );
  }
}

/** Fails with query_limit_exceeded when a query names more products than the limit allows. */
export function checkProductLimit(count: number, limits: QueryLimits): void {
  if (count > limits.maxProducts) {
    fail(
      'query_limit_exceeded',
      '/filters/productId',
      `At most ${limits.maxProducts} product ids per query.`,
    );
  }
}

/**
 * Resolves groupByValues to base dimensions, without repeats. With `limits.strictIndex` the group-by
 * must be a prefix of an index set (group_by_not_indexed otherwise).
 */
export function parseGroupBy(
  config: CompiledConfiguration,
  source: DataSourceConfig | undefined,
  names: readonly string[],
  limits: QueryLimits,
): string[] {
  const groupBy = dedupe(names.map((name, i) => resolveDimension(source, name, `/groupByValues/${i}`)));
  if (limits.strictIndex) {
    // The group-by must name exactly the dimensions of a prefix of an index set, in any order (spec §1.9).
    const own = new Set(groupBy.filter((d) => !config.partitionKeys.includes(d)));
    const indexed = config.indexSets.some(
      (set) => set.keys.length >= own.size && set.keys.slice(0, own.size).every((d) => own.has(d)),
    );
    if (!indexed) {
      fail(
        'group_by_not_indexed',
        '/groupByValues',
        `[${[...own].join(', ')}] is not a prefix of any index set.`,
      );
    }
  }
  return groupBy;
}

/** The items without repeats, in first-seen order. */
export function dedupe<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
