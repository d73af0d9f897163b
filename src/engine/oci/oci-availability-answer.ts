import { fail } from '../../domain/codes.js';
import {
  type GroupRecord,
  type GroupReservations,
  groupRecord,
  type LocationRecord,
  type LocationStock,
  locationRecord,
  NO_GROUP_RESERVATIONS,
} from '../../domain/oci/availability.js';
import type { AvailabilityRequest } from '../../domain/oci/availability-request.js';
import type { LocationGraph, OciGroup, OciLocation } from '../../domain/oci/location-graph.js';
import { NO_STOCK, type Place, placeOf, stockKey } from './oci-stock.js';

/** The get-availability answer (spec §2.1). */
export interface AvailabilityAnswer {
  readonly locations: { id: string; records: LocationRecord[] }[];
  readonly groups?: { id: string; records: GroupRecord[] }[];
}

/** Key of a (group, SKU) in group reservations and exclusions. */
export const groupSkuKey = (groupId: string, sku: string): string => `${groupId}\u0000${sku}`;

/** The locations and groups a request answers, and the places whose stock it reads. */
export interface ResolvedRequest {
  readonly locationIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly groups: readonly OciGroup[];
  /** The locations answered and every member of the groups answered, with their IV places. */
  readonly places: readonly Place[];
}

/**
 * Which locations and groups of `graph` a request names (spec §2.1): unknown places throw
 * oci_unknown_location or oci_unknown_group; `unassigned` answers the locations in no group.
 */
export function resolveRequest(graph: LocationGraph, request: AvailabilityRequest): ResolvedRequest {
  const locationsById = new Map(graph.locations.map((l) => [l.id, l]));
  const groupsById = new Map(graph.groups.map((g) => [g.id, g]));
  const knownLocation = (id: string): OciLocation =>
    locationsById.get(id) ?? fail('oci_unknown_location', '/locations', `Location "${id}" does not exist.`);
  const knownGroup = (id: string) =>
    groupsById.get(id) ?? fail('oci_unknown_group', '/groups', `Group "${id}" does not exist.`);

  let locationIds: string[];
  let groupIds: string[];
  if (request.kind === 'unassigned') {
    const grouped = new Set(graph.groups.flatMap((g) => g.locations));
    locationIds = graph.locations.map((l) => l.id).filter((id) => !grouped.has(id));
    groupIds = [];
  } else if (request.kind === 'groupMembers') {
    locationIds = [...knownGroup(request.group).locations];
    groupIds = [request.group];
  } else {
    request.locations.forEach(knownLocation);
    request.groups.forEach(knownGroup);
    locationIds = [...request.locations];
    groupIds = [...request.groups];
  }
  const groups = groupIds.map(knownGroup);
  const needed = new Set([...locationIds, ...groups.flatMap((g) => g.locations)]);
  const places = [...needed].map((id) => placeOf(graph, knownLocation(id)));
  return { locationIds, groupIds, groups, places };
}

/** What an answer is made of: the stock of each (SKU, place), group reservations and exclusions. */
export interface AnswerParts {
  readonly stock: ReadonlyMap<string, LocationStock>;
  readonly held: ReadonlyMap<string, GroupReservations>;
  readonly excluded: ReadonlySet<string>;
}

/** The answer of a resolved request (the same whether its parts come from the database or memory). */
export function assembleAnswer(
  request: AvailabilityRequest,
  resolved: ResolvedRequest,
  parts: AnswerParts,
): AvailabilityAnswer {
  const { skus } = request;
  const { stock, held, excluded } = parts;
  const at = (sku: string, id: string) => stock.get(stockKey(sku, id)) ?? NO_STOCK;
  const answer: AvailabilityAnswer = {
    locations: resolved.locationIds.map((id) => ({
      id,
      records: skus.map((sku) => locationRecord(sku, at(sku, id))),
    })),
  };
  if (request.kind === 'unassigned') return answer;
  return {
    ...answer,
    groups: resolved.groups.map((g) => ({
      id: g.id,
      records: skus.map((sku) => {
        const record = groupRecord(
          sku,
          g.locations.map((id) => at(sku, id)),
          held.get(groupSkuKey(g.id, sku)) ?? NO_GROUP_RESERVATIONS,
        );
        // Product segmentation: a SKU excluded from the group is not sold from it.
        return excluded.has(groupSkuKey(g.id, sku)) ? { ...record, atf: 0n, ato: 0n } : record;
      }),
    })),
  };
}
