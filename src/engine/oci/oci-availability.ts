import { fail } from '../../domain/codes.js';
import {
  type GroupRecord,
  type GroupReservations,
  groupRecord,
  type LocationRecord,
  locationRecord,
  NO_GROUP_RESERVATIONS,
} from '../../domain/oci/availability.js';
import {
  type AvailabilityInput,
  type AvailabilityRequest,
  parseAvailabilityRequest,
} from '../../domain/oci/availability-request.js';
import type { LocationGraph, OciLocation } from '../../domain/oci/location-graph.js';
import { ociMeasures } from '../../domain/oci/oci-measures.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { OciGraphs } from './oci-graphs.js';
import type { OciSegmentation } from './oci-segmentation.js';
import { NO_STOCK, placeOf, readLocationStock, stockKey } from './oci-stock.js';

/** The get-availability answer (spec §2.1). */
export interface AvailabilityAnswer {
  readonly locations: { id: string; records: LocationRecord[] }[];
  readonly groups?: { id: string; records: GroupRecord[] }[];
}

/**
 * The reservations seam of availability: the group-level reservations of each (group, SKU). Until group
 * reservations exist every group answers NO_GROUP_RESERVATIONS.
 */
export type GroupReservationReader = (
  environmentId: string,
  groupIds: readonly string[],
  skus: readonly string[],
) => Promise<ReadonlyMap<string, GroupReservations>>;

/** Key of a (group, SKU) in a GroupReservationReader's answer. */
export const groupSkuKey = (groupId: string, sku: string): string => `${groupId}\u0000${sku}`;

const NONE: GroupReservationReader = async () => new Map();

/** OCI availability over the IV stock (docs/oci.md): get-availability of spec §2.1. */
export class OciAvailability {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly clock: () => Date,
    private readonly segmentation: OciSegmentation,
    /** Replaceable by the reservations work. */
    public groupReservations: GroupReservationReader = NONE,
  ) {}

  /** get-availability (spec §2.1): the request validated and its limits applied. */
  async get(environmentId: string, input: AvailabilityInput): Promise<AvailabilityAnswer> {
    return this.compute(environmentId, parseAvailabilityRequest(input));
  }

  /**
   * The availability of SKUs at places, without the request limits (exports and deltas use it with
   * `{ kind: 'lists', skus, locations, groups }`). Unknown places throw oci_unknown_location or
   * oci_unknown_group; `unassigned` answers no groups.
   */
  async compute(environmentId: string, request: AvailabilityRequest): Promise<AvailabilityAnswer> {
    const config = await this.environments.get(environmentId);
    const measures = ociMeasures(config);
    const { graph } = await this.graphs.get(environmentId);
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
    const { skus } = request;
    const [stock, held, excluded] = await Promise.all([
      readLocationStock(this.store, environmentId, measures, skus, places, this.clock()),
      groups.length === 0 ? new Map() : this.groupReservations(environmentId, groupIds, skus),
      this.segmentation.excluded(environmentId, groupIds, skus),
    ]);
    const at = (sku: string, id: string) => stock.get(stockKey(sku, id)) ?? NO_STOCK;
    const answer: AvailabilityAnswer = {
      locations: locationIds.map((id) => ({
        id,
        records: skus.map((sku) => locationRecord(sku, at(sku, id))),
      })),
    };
    if (request.kind === 'unassigned') return answer;
    return {
      ...answer,
      groups: groups.map((g) => ({
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
}

/** The graph's locations by id (shared by the write paths). */
export function locationIndex(graph: LocationGraph): Map<string, OciLocation> {
  return new Map(graph.locations.map((l) => [l.id, l]));
}
