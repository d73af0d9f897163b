import type { PartitionRule } from './compiled-configuration.js';
import type { RuntimeConfiguration } from './runtime-configuration.js';

/**
 * Partition schemas of spec §1.8. `cachePartitionIdVersion` names the schema: `byProductId` (any case)
 * partitions by product; anything else (`ByLocation`, the default, or `ByLocationAndProductIdMod64`,
 * schema version 2) by location. `partitionConfiguration { useProductId, useDimensions }` accompanies
 * it: with both true under a location schema, the vendor's own tests saw an on-hand change without
 * siteId/locationId accepted, while reservations, allocations and exact queries still need them.
 */
export const PARTITION_SCHEMAS = {
  1: {
    cachePartitionIdVersion: 'ByLocation',
    partitionConfiguration: { useProductId: false, useDimensions: true },
  },
  2: {
    cachePartitionIdVersion: 'ByLocationAndProductIdMod64',
    partitionConfiguration: { useProductId: true, useDimensions: true },
  },
} as const satisfies Record<
  number,
  Pick<RuntimeConfiguration, 'cachePartitionIdVersion' | 'partitionConfiguration'>
>;

/** A partition schema version that POST …/updatePartitionSchema?newversion= accepts. */
export type PartitionSchemaVersion = keyof typeof PARTITION_SCHEMAS;

/** True for a version number of PARTITION_SCHEMAS. */
export function isPartitionSchemaVersion(version: number): version is PartitionSchemaVersion {
  return Object.hasOwn(PARTITION_SCHEMAS, version);
}

/** The partition rule a configuration selects (see PARTITION_SCHEMAS). */
export function partitionRuleOf(runtime: RuntimeConfiguration): PartitionRule {
  return runtime.cachePartitionIdVersion.toLowerCase() === 'byproductid' ? 'byProduct' : 'byLocation';
}

/**
 * True when on-hand changes and counts may leave out siteId and locationId although data is
 * partitioned by location: partitionConfiguration has both useProductId and useDimensions (spec §1.8
 * [EX]). The record is then kept with an empty site and location. By product, site and location are
 * optional everywhere anyway.
 */
export function onHandWithoutLocation(runtime: RuntimeConfiguration, rule: PartitionRule): boolean {
  const flags = runtime.partitionConfiguration;
  return rule === 'byLocation' && flags.useProductId === true && flags.useDimensions === true;
}
