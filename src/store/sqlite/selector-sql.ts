/*
 * The WHERE clause of a StockSelector, shared by readStock and readSchedule. Lists are bound as one JSON
 * array parameter read with json_each(?), so a list of any length costs one variable.
 */

/** `IN (…)` over one JSON array parameter. */
export const IN_LIST = 'IN (SELECT value FROM json_each(?))';

/** Which optional filters a selector query applies (bit flags). */
export const FILTER = { products: 1, sites: 2, locations: 4 } as const;

/**
 * The conditions of a selector query: environment_id = ?, organization_id in a list, then each applied
 * filter in the order products, sites, locations (the order of their bind values).
 */
export function selectorWhere(filters: number): string[] {
  const where = ['environment_id = ?', `organization_id ${IN_LIST}`];
  if (filters & FILTER.products) where.push(`product_id ${IN_LIST}`);
  if (filters & FILTER.sites) where.push(`site_id ${IN_LIST}`);
  if (filters & FILTER.locations) where.push(`location_id ${IN_LIST}`);
  return where;
}

/**
 * Without statistics SQLite prefers the product index for every selector query (it avoids the sort),
 * which scans a whole organization when only sites are named; a site filter without products therefore
 * forces the site index, and the (small) result is sorted.
 */
export function forcesSiteIndex(filters: number): boolean {
  return (filters & FILTER.sites) !== 0 && (filters & FILTER.products) === 0;
}
