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
  return [organizationId, dimensionValue(dimensions, SITE), dimensionValue(dimensions, LOCATION)]
    .map(escapePart)
    .join('~');
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
  return [environmentId, organizationId, productId, partitionId].map(escapePart).join('~');
}

function escapePart(part: string): string {
  return part.replace(/%/g, '%25').replace(/~/g, '%7E');
}
