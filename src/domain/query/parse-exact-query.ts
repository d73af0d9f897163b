import { fail } from '../codes.js';
import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import { LOCATION, SITE } from '../dimensions.js';
import { checkId } from '../identifiers.js';
import { dimensionSource } from '../resolve-dimensions.js';
import type { AtpRequest } from './parse-atp.js';
import {
  checkFilterValue,
  checkProductLimit,
  dedupe,
  ORG,
  parseGroupBy,
  requireIndex,
  requireProductWhenByProduct,
  resolveDimension,
} from './query-checks.js';
import type { ExactTuples, QueryLimits, QueryPlan } from './query-plan.js';

/** An exact query body, v1 (`dimensions`) or v2 (`keys`) (spec §2.7.4). */
export interface ExactQueryInput extends AtpRequest {
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
  requireProductWhenByProduct(config, productIds.length);
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
  };
}

/** Checks that each tuple has one valid value per key; drops repeated tuples, keeping first-seen order. */
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
