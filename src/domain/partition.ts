import { fail } from './codes.js';
import type { PartitionRule } from './config/compiled-configuration.js';
import { type Dimensions, dimensionValue, LOCATION, SITE } from './dimensions.js';

/**
 * Partition ids name where data lives (spec §1.8): `org~site~location` when partitioned by location,
 * `org~product` when partitioned by product. Parts are escaped (`%` → %25, `~` → %7E) so ids are
 * injective. Partition ids are what GET …/allpartitionids lists and …/cleanupalldata takes.
 */
export function partitionIdOf(
  rule: PartitionRule,
  organizationId: string,
  productId: string,
  dimensions: Dimensions,
): string {
  if (rule === 'byProduct') return `${escapePart(organizationId)}~${escapePart(productId)}`;
  const site = escapePart(dimensionValue(dimensions, SITE));
  return `${escapePart(organizationId)}~${site}~${escapePart(dimensionValue(dimensions, LOCATION))}`;
}

/**
 * The unit of serialisation for writes: (environment, organization, product, partition). Two writes
 * with the same lock key never run concurrently (design.md rule 1).
 */
export function lockKeyOf(
  environmentId: string,
  organizationId: string,
  productId: string,
  partitionId: string,
): string {
  return `${escapePart(environmentId)}~${escapePart(organizationId)}~${escapePart(productId)}~${escapePart(partitionId)}`;
}

function escapePart(part: string): string {
  // Most parts hold neither character: no new string for them (called for every item written).
  if (!part.includes('%') && !part.includes('~')) return part;
  return part.replace(/%/g, '%25').replace(/~/g, '%7E');
}

/**
 * Most UTF-8 bytes the identifying parts of one stored value may take together: organization id,
 * product id, the dimension tuple and the partition id. Each part has its own character limit, but a
 * database index key holds them together (PostgreSQL's B-tree allows about 2.7 KB per key), so an item
 * whose parts are all long and made of multi-byte characters is refused as a whole.
 */
export const MAX_KEY_BYTES = 1536;

const encoder = new TextEncoder();

/** Throws value_too_long when the parts of a stock key are too long together (see MAX_KEY_BYTES). */
export function checkKeySize(
  organizationId: string,
  productId: string,
  dimensions: Dimensions,
  partitionId: string,
  path: string,
): void {
  const parts = [organizationId, productId, JSON.stringify(dimensions), partitionId];
  // A UTF-16 code unit takes at most 3 UTF-8 bytes: short keys need no encoding to be counted.
  if (parts.reduce((sum, part) => sum + part.length, 0) * 3 <= MAX_KEY_BYTES) return;
  const bytes = parts.reduce((sum, part) => sum + encoder.encode(part).length, 0);
  if (bytes > MAX_KEY_BYTES) {
    fail(
      'value_too_long',
      path,
      `organizationId, productId and the dimension values take ${bytes} bytes together; at most ${MAX_KEY_BYTES} are allowed.`,
    );
  }
}

/** Most partitions a query names by value; past it the query reads by its other filters only. */
const MAX_NAMED_PARTITIONS = 256;

/**
 * The partitions that can hold the rows a query selects, when its filters pin them: by product, the
 * organizations × products; by location, the organizations × sites × locations. Undefined when a
 * filter the rule needs is absent (the query reads every partition of its organizations) or when there
 * would be more than MAX_NAMED_PARTITIONS. A store that places data by partition reads only these.
 */
export function selectedPartitions(
  rule: PartitionRule,
  organizationIds: readonly string[],
  productIds: readonly string[] | undefined,
  siteIds: readonly string[] | undefined,
  locationIds: readonly string[] | undefined,
): string[] | undefined {
  const ids = new Set<string>();
  const add = (organizationId: string, productId: string, dimensions: Dimensions) => {
    ids.add(partitionIdOf(rule, organizationId, productId, dimensions));
  };
  if (rule === 'byProduct') {
    if (!productIds?.length || organizationIds.length * productIds.length > MAX_NAMED_PARTITIONS)
      return undefined;
    for (const org of organizationIds) for (const product of productIds) add(org, product, {});
    return [...ids];
  }
  if (!siteIds?.length || !locationIds?.length) return undefined;
  if (organizationIds.length * siteIds.length * locationIds.length > MAX_NAMED_PARTITIONS) return undefined;
  for (const org of organizationIds)
    for (const site of siteIds)
      for (const location of locationIds) add(org, '', { [SITE]: site, [LOCATION]: location });
  return [...ids];
}

/**
 * The write lane of a lock key (lockKeyOf): its environment and partition, so that writes to one
 * partition batch together and apart from the others' (engine/group-commit.ts, on Citus). Another key
 * is its own lane.
 */
export function partitionLane(lockKey: string): string {
  const parts = lockKey.split('~');
  return parts.length === 4 ? `${parts[0]}~${parts[3]}` : lockKey;
}
