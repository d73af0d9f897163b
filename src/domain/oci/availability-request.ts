import { fail } from '../codes.js';
import { checkGroupId, checkLocationId, checkSku } from './oci-ids.js';

/** Most SKU × place combinations one get-availability request may ask for (spec §2.1). */
export const MAX_SKU_PLACES = 100;

/** A get-availability body (spec §2.1) as it arrives, after schema validation. */
export interface AvailabilityInput {
  readonly sku?: string;
  readonly group?: string;
  readonly skus?: readonly string[];
  readonly locations?: readonly string[];
  readonly groups?: readonly string[];
}

/**
 * What a get-availability request asks for: `unassigned` (the single-SKU form without a group: every
 * location in no group), `groupMembers` (the single-SKU form with a group: its locations and the group
 * itself), or lists of locations and groups.
 */
export type AvailabilityRequest =
  | { readonly kind: 'unassigned'; readonly skus: readonly string[] }
  | { readonly kind: 'groupMembers'; readonly skus: readonly string[]; readonly group: string }
  | {
      readonly kind: 'lists';
      readonly skus: readonly string[];
      readonly locations: readonly string[];
      readonly groups: readonly string[];
    };

/**
 * Validates a get-availability body: either `sku` (with an optional `group`) or `skus` with
 * `locations` and/or `groups`, not both forms; ids as spec §1.2; in the list form at most
 * MAX_SKU_PLACES SKU × place combinations, counted after removing repeated ids.
 */
export function parseAvailabilityRequest(input: AvailabilityInput): AvailabilityRequest {
  const single = input.sku !== undefined || input.group !== undefined;
  const list = input.skus !== undefined || input.locations !== undefined || input.groups !== undefined;
  if (single && list)
    fail(
      'invalid_request',
      '/sku',
      'Use either sku (with group) or skus with locations and groups, not both.',
    );
  if (single) {
    if (input.sku === undefined) fail('missing_field', '/sku', 'group is used together with sku.');
    const sku = checkSku(input.sku, '/sku');
    if (input.group === undefined) return { kind: 'unassigned', skus: [sku] };
    return { kind: 'groupMembers', skus: [sku], group: checkGroupId(input.group, '/group') };
  }
  if (input.skus === undefined || input.skus.length === 0)
    fail('missing_field', '/skus', 'Name at least one SKU (sku, or skus with locations or groups).');
  const skus = unique(input.skus.map((s, i) => checkSku(s, `/skus/${i}`)));
  const locations = unique((input.locations ?? []).map((l, i) => checkLocationId(l, `/locations/${i}`)));
  const groups = unique((input.groups ?? []).map((g, i) => checkGroupId(g, `/groups/${i}`)));
  if (locations.length + groups.length === 0)
    fail('missing_field', '/locations', 'Name at least one location or group with skus.');
  const combinations = skus.length * (locations.length + groups.length);
  if (combinations > MAX_SKU_PLACES)
    fail(
      'too_many_items',
      '/skus',
      `${skus.length} SKUs × ${locations.length + groups.length} places = ${combinations} combinations; at most ${MAX_SKU_PLACES} are allowed.`,
    );
  return { kind: 'lists', skus, locations, groups };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
