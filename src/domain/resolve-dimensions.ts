import { fail } from './codes.js';
import type { CompiledConfiguration, DataSourceConfig } from './config/compiled-configuration.js';
import { canonicalDimensions, type Dimensions, LOCATION, SITE, toBaseDimension } from './dimensions.js';
import { checkDimensionValue, checkName } from './identifiers.js';

/**
 * The data source named by `dimensionDataSource`, or undefined when it is absent, null, empty or
 * whitespace (spec §1.4). Throws unknown_data_source when it names no configured data source.
 */
export function dimensionSource(
  config: CompiledConfiguration,
  name: string | null | undefined,
  path: string,
): DataSourceConfig | undefined {
  if (name === null || name === undefined || name.trim() === '') return undefined;
  const source = config.dataSources.get(name.trim().toLowerCase());
  if (!source) fail('unknown_data_source', path, `Data source "${name}" is not configured.`);
  return source;
}

/**
 * Translates one dimension name to its base dimension: through the data source's mappings first,
 * then as a base dimension name. Returns undefined for a name that is neither.
 */
export function toBase(source: DataSourceConfig | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  return source?.dimensionMappings.get(lower) ?? toBaseDimension(lower);
}

/**
 * Resolves the `dimensions` of a write to a canonical tuple of base dimensions.
 * - With a dimension data source, keys may be its external names or base names; keys that are
 *   neither are that source's own dimensions (such as `posMachineId`) and are not stored.
 * - Without one, every key must be a base dimension (unknown_dimension otherwise).
 * - Two keys resolving to one base dimension must agree (duplicate_dimension otherwise).
 */
export function resolveDimensions(
  source: DataSourceConfig | undefined,
  dimensions: Readonly<Record<string, string>> | undefined,
  path: string,
): Dimensions {
  const resolved = new Map<string, string>();
  for (const [key, value] of Object.entries(dimensions ?? {})) {
    const keyPath = `${path}/${key}`;
    checkName(key, keyPath);
    checkDimensionValue(value, keyPath);
    const base = toBase(source, key);
    if (!base) {
      if (source) continue;
      fail(
        'unknown_dimension',
        keyPath,
        `"${key}" is not a base dimension; set dimensionDataSource to use mapped names.`,
      );
    }
    const previous = resolved.get(base);
    if (previous !== undefined && previous !== value) {
      fail(
        'duplicate_dimension',
        keyPath,
        `"${key}" resolves to ${base}, which is already set to "${previous}".`,
      );
    }
    resolved.set(base, value);
  }
  return canonicalDimensions(resolved);
}

/**
 * The base dimensions a write names, whatever their values, the empty string included (resolveDimensions
 * drops empty values, which mean "unspecified" in the stored tuple). Keys that are not base or mapped
 * dimensions are left out, as resolveDimensions leaves them out.
 */
export function namedDimensions(
  source: DataSourceConfig | undefined,
  dimensions: Readonly<Record<string, string>> | undefined,
): { readonly base: string }[] {
  return Object.keys(dimensions ?? {}).flatMap((key) => {
    const base = toBase(source, key);
    return base ? [{ base }] : [];
  });
}

/** When data is partitioned by location, siteId and locationId must be present and non-empty. */
export function requirePartitionDimensions(
  config: CompiledConfiguration,
  dims: Dimensions,
  path: string,
): void {
  if (config.partitionRule !== 'byLocation') return;
  for (const key of [SITE, LOCATION]) {
    if (!dims[key]) {
      fail(
        'missing_partition_dimension',
        `${path}/${key}`,
        'siteId and locationId are required: the environment partitions data by location.',
      );
    }
  }
}
