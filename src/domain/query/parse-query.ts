import { fail } from '../codes.js';
import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import { LOCATION, SITE } from '../dimensions.js';
import { dimensionSource } from '../resolve-dimensions.js';
import type { AtpRequest } from './parse-atp.js';
import {
  checkFilterValue,
  checkProductLimit,
  dedupe,
  ORG,
  PRODUCT,
  parseGroupBy,
  requireIndex,
  requireProductWhenByProduct,
  resolveDimension,
} from './query-checks.js';
import type { QueryLimits, QueryPlan } from './query-plan.js';

export { type ExactQueryInput, parseExactQuery } from './parse-exact-query.js';

/** An index query body (spec §2.7.1), after schema validation; the ATP fields are read by applyAtp. */
export interface IndexQueryInput extends AtpRequest {
  readonly dimensionDataSource?: string | null;
  readonly filters: Readonly<Record<string, readonly string[]>>;
  readonly groupByValues?: readonly string[];
  readonly returnNegative?: boolean;
}

/**
 * Validates an index query against the configuration and limits. `version` 1 requires exactly one
 * organization and enforces the site × location limit; version 2 (paged) allows several organizations.
 */
export function parseIndexQuery(
  config: CompiledConfiguration,
  input: IndexQueryInput,
  limits: QueryLimits,
  version: 1 | 2,
): QueryPlan {
  requireIndex(config);
  const filterEntries = Object.entries(input.filters);
  const legacySource = filterEntries.find(([k]) => k.toLowerCase() === 'dimensiondatasource')?.[1]?.[0];
  const source = dimensionSource(config, input.dimensionDataSource ?? legacySource, '/dimensionDataSource');
  const lists = new Map<string, string[]>();
  for (const [key, values] of filterEntries) {
    const lower = key.toLowerCase();
    if (lower === 'dimensiondatasource') continue;
    const path = `/filters/${key}`;
    const name = lower === ORG || lower === PRODUCT ? lower : resolveDimension(source, key, path);
    if (lists.has(name)) fail('invalid_query', path, `"${key}" filters ${name}, which is already filtered.`);
    lists.set(
      name,
      values.map((v, i) => checkFilterValue(name, v, `${path}/${i}`)),
    );
  }
  const organizationIds = lists.get(ORG) ?? [];
  if (version === 1 && organizationIds.length !== 1) {
    fail(
      'invalid_query',
      '/filters/organizationId',
      'Give exactly one organizationId (use Api-Version 2.0 for several).',
    );
  }
  if (organizationIds.length === 0)
    fail('invalid_query', '/filters/organizationId', 'Give at least one organizationId.');
  const productIds = lists.get(PRODUCT) ?? [];
  const siteIds = lists.get(SITE) ?? [];
  const locationIds = lists.get(LOCATION) ?? [];
  checkScope(config, productIds.length, siteIds.length + locationIds.length);
  checkProductLimit(new Set(productIds).size, limits);
  if (version === 1 && config.partitionRule === 'byLocation') {
    const combinations = Math.max(siteIds.length, 1) * Math.max(locationIds.length, 1);
    if (combinations > limits.maxSiteLocations) {
      fail(
        'query_limit_exceeded',
        '/filters',
        `${combinations} site × location combinations exceed the limit of ${limits.maxSiteLocations}; use Api-Version 2.0 paging.`,
      );
    }
  }
  const filters = new Map<string, Set<string>>();
  for (const [name, values] of lists) {
    if (name !== ORG && name !== PRODUCT && name !== SITE && name !== LOCATION && values.length > 0) {
      filters.set(name, new Set(values));
    }
  }
  const groupBy = parseGroupBy(config, source, input.groupByValues ?? [], limits);
  return {
    organizationIds: dedupe(organizationIds),
    productIds: dedupe(productIds),
    siteIds: dedupe(siteIds),
    locationIds: dedupe(locationIds),
    filters,
    groupBy,
    returnNegative: input.returnNegative ?? false,
  };
}

/** Index queries need a product, or a site or location; partitioning by product needs a product. */
function checkScope(config: CompiledConfiguration, products: number, locations: number): void {
  requireProductWhenByProduct(config, products);
  if (products === 0 && locations === 0) {
    fail('invalid_query', '/filters', 'Give productId, or siteId/locationId, or both.');
  }
}
