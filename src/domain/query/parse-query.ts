import { fail } from '../codes.js';
import type { CompiledConfiguration, DataSourceConfig } from '../config/compiled-configuration.js';
import { LOCATION, SITE } from '../dimensions.js';
import { checkDimensionValue, checkId } from '../identifiers.js';
import { dimensionSource, toBase } from '../resolve-dimensions.js';
import type { ExactTuples, QueryLimits, QueryPlan } from './query-plan.js';

/** An index query body (spec §2.7.1), after schema validation. */
export interface IndexQueryInput {
  readonly dimensionDataSource?: string | null;
  readonly filters: Readonly<Record<string, readonly string[]>>;
  readonly groupByValues?: readonly string[];
  readonly returnNegative?: boolean;
}

/** An exact query body, v1 (`dimensions`) or v2 (`keys`) (spec §2.7.4). */
export interface ExactQueryInput {
  readonly dimensionDataSource?: string | null;
  readonly filters: {
    readonly organizationId?: readonly string[];
    readonly productId?: readonly string[];
    readonly dimensions?: readonly string[];
    readonly keys?: readonly string[];
    readonly values: readonly (readonly string[])[];
  };
  readonly groupByValues?: readonly string[];
  readonly returnNegative?: boolean;
}

const ORG = 'organizationid';
const PRODUCT = 'productid';

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
    includeOrganization: version === 2,
  };
}

/** Validates an exact query; `version` 1 reads filters.dimensions, version 2 reads filters.keys. */
export function parseExactQuery(
  config: CompiledConfiguration,
  input: ExactQueryInput,
  limits: QueryLimits,
  version: 1 | 2,
): QueryPlan {
  requireIndex(config);
  const source = dimensionSource(config, input.dimensionDataSource, '/dimensionDataSource');
  const { filters } = input;
  const rawKeys = version === 1 ? filters.dimensions : filters.keys;
  const keysPath = version === 1 ? '/filters/dimensions' : '/filters/keys';
  if (rawKeys === undefined)
    fail('missing_field', keysPath, `filters.${version === 1 ? 'dimensions' : 'keys'} is required.`);
  if (version === 2 && filters.organizationId !== undefined) {
    fail('invalid_query', '/filters/organizationId', 'Api-Version 2.0 takes organizationId in filters.keys.');
  }
  const keys = rawKeys.map((key, i) =>
    version === 2 && key.toLowerCase() === ORG ? ORG : resolveDimension(source, key, `${keysPath}/${i}`),
  );
  if (new Set(keys).size !== keys.length) fail('invalid_query', keysPath, 'A key is listed twice.');
  const values = dedupeTuples(filters.values, keys);
  const tuples: ExactTuples = { keys, values };
  const orgIndex = keys.indexOf(ORG);
  const organizationIds =
    version === 1
      ? (filters.organizationId ?? []).map((v, i) => checkId(v, `/filters/organizationId/${i}`))
      : orgIndex < 0
        ? []
        : dedupe(values.map((t) => t[orgIndex] ?? ''));
  if (version === 1 && organizationIds.length !== 1) {
    fail('invalid_query', '/filters/organizationId', 'Give exactly one organizationId.');
  }
  if (organizationIds.length === 0)
    fail('invalid_query', keysPath, 'Give organizationId in filters.keys and values.');
  if (config.partitionRule === 'byLocation' && !(keys.includes(SITE) && keys.includes(LOCATION))) {
    fail(
      'missing_partition_dimension',
      keysPath,
      'Exact queries must name siteId and locationId when data is partitioned by location.',
    );
  }
  const productIds = dedupe((filters.productId ?? []).map((v, i) => checkId(v, `/filters/productId/${i}`)));
  if (config.partitionRule === 'byProduct' && productIds.length === 0) {
    fail(
      'invalid_query',
      '/filters/productId',
      'Give at least one productId: data is partitioned by product.',
    );
  }
  checkProductLimit(productIds.length, limits);
  const column = (name: string) => {
    const index = keys.indexOf(name);
    return index < 0 ? [] : dedupe(values.map((t) => t[index] ?? ''));
  };
  return {
    organizationIds,
    productIds,
    siteIds: column(SITE),
    locationIds: column(LOCATION),
    filters: new Map(),
    tuples,
    groupBy: parseGroupBy(config, source, input.groupByValues ?? [], limits),
    returnNegative: input.returnNegative ?? false,
    includeOrganization: false,
  };
}

function requireIndex(config: CompiledConfiguration): void {
  if (config.indexSets.length === 0) fail('no_index_hierarchy', '', 'No index hierarchy has been set.');
}

function resolveDimension(source: DataSourceConfig | undefined, key: string, path: string): string {
  const base = toBase(source, key);
  if (!base) fail('unknown_dimension', path, `"${key}" is not a base dimension or a mapped dimension.`);
  return base;
}

function checkFilterValue(name: string, value: string, path: string): string {
  return name === ORG || name === PRODUCT ? checkId(value, path) : checkDimensionValue(value, path);
}

function checkScope(config: CompiledConfiguration, products: number, locations: number): void {
  if (config.partitionRule === 'byProduct' && products === 0) {
    fail(
      'invalid_query',
      '/filters/productId',
      'Give at least one productId: data is partitioned by product.',
    );
  }
  if (products === 0 && locations === 0) {
    fail('invalid_query', '/filters', 'Give productId, or siteId/locationId, or both.');
  }
}

function checkProductLimit(count: number, limits: QueryLimits): void {
  if (count > limits.maxProducts) {
    fail(
      'query_limit_exceeded',
      '/filters/productId',
      `At most ${limits.maxProducts} product ids per query.`,
    );
  }
}

function parseGroupBy(
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

function dedupeTuples(values: readonly (readonly string[])[], keys: readonly string[]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  values.forEach((tuple, i) => {
    if (tuple.length !== keys.length) {
      fail(
        'invalid_query',
        `/filters/values/${i}`,
        `Each tuple must have ${keys.length} values, one per key.`,
      );
    }
    for (const [j, v] of tuple.entries()) checkFilterValue(keys[j] ?? '', v, `/filters/values/${i}/${j}`);
    const key = JSON.stringify(tuple);
    if (!seen.has(key)) out.push([...tuple]);
    seen.add(key);
  });
  return out;
}

function dedupe<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
