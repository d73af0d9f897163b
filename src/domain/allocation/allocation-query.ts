import { fail } from '../codes.js';
import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import { type Dimensions, LOCATION, SITE } from '../dimensions.js';
import { checkId } from '../identifiers.js';
import { dimensionSource, requirePartitionDimensions, resolveDimensions } from '../resolve-dimensions.js';
import { type GroupPath, parseGroupPath } from './allocation-groups.js';

/** An allocation query (spec §4.3) after schema validation; `targetGroups` is accepted for `groups`. */
export interface AllocationQueryInput {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensionDataSource?: string | null;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly groups?: Readonly<Record<string, string>>;
  readonly targetGroups?: Readonly<Record<string, string>>;
}

/** A validated allocation query. */
export interface AllocationQuery {
  readonly organizationId: string;
  readonly productId: string;
  /** The exact dimension tuple allocations were made at (spec §4.4: other tuples are unrelated). */
  readonly dimensions: Dimensions;
  /** Records under this group path are returned; [] returns every record of the key. */
  readonly groups: GroupPath;
  /** Which stock rows to read. */
  readonly selector: {
    readonly organizationIds: readonly string[];
    readonly productIds: readonly string[];
    readonly siteIds: readonly string[];
    readonly locationIds: readonly string[];
  };
}

/** Validates an allocation query: allocation enabled, partition dimensions present, a top-down group prefix. */
export function parseAllocationQuery(
  config: CompiledConfiguration,
  input: AllocationQueryInput,
): AllocationQuery {
  if (!config.runtime.allocationConfiguration.isEnabled)
    fail('allocation_disabled', '', 'Allocation is not enabled in this environment.');
  const organizationId = checkId(input.organizationId, '/organizationId');
  const productId = checkId(input.productId, '/productId');
  const source = dimensionSource(config, input.dimensionDataSource, '/dimensionDataSource');
  const dimensions = resolveDimensions(source, input.dimensions, '/dimensions');
  requirePartitionDimensions(config, dimensions, '/dimensions');
  if (input.groups !== undefined && input.targetGroups !== undefined)
    fail('invalid_request', '/targetGroups', 'Give groups or targetGroups (the older name), not both.');
  const groupsPath = input.targetGroups !== undefined ? '/targetGroups' : '/groups';
  const groups = parseGroupPath(config, input.groups ?? input.targetGroups, groupsPath, false);
  const site = dimensions[SITE];
  const location = dimensions[LOCATION];
  return {
    organizationId,
    productId,
    dimensions,
    groups,
    selector: {
      organizationIds: [organizationId],
      productIds: [productId],
      siteIds: site === undefined ? [] : [site],
      locationIds: location === undefined ? [] : [location],
    },
  };
}
