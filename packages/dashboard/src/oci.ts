import type { Api } from './api.js';

/**
 * The Omnichannel Inventory (OCI) routes the dashboard reads (docs/oci.md): the location graph with the
 * IV place of each location (GET …/location-graph, an Onhand extension) and get-availability. The OCI
 * organization is the Onhand environment; quantities arrive exact (parseExact: decimals as text).
 */

export interface IvPlace {
  readonly organizationId: string;
  readonly siteId: string;
  readonly locationId: string;
}

/** The graph as kept: version 0 means the environment has none. */
export interface OciGraph {
  readonly version: number;
  readonly ivOrganizationId: string;
  readonly locations: readonly { id: string; iv: IvPlace }[];
  readonly groups: readonly { id: string; locations: readonly string[] }[];
}

type Qty = string | number;

/** One SKU at one location (or group, with the group's reservations). */
export interface OciRecord {
  readonly sku: string;
  readonly onHand: Qty;
  readonly reserved: Qty;
  readonly safetyStockCount: Qty;
  readonly atf: Qty;
  readonly ato: Qty;
  readonly groupReserved?: Qty;
  readonly sharedGroupReserved?: Qty;
}

interface Answer {
  locations: { id: string; records: OciRecord[] }[];
  groups?: { id: string; records: OciRecord[] }[];
}

/** What get-availability answered for one SKU, by location id and by group id. */
export interface OciAvailability {
  readonly locations: ReadonlyMap<string, OciRecord | undefined>;
  readonly groups: ReadonlyMap<string, OciRecord | undefined>;
}

/** Most places (locations plus groups) one get-availability request may name for one SKU. */
const MAX_PLACES = 100;

const org = (environmentId: string) => encodeURIComponent(environmentId);

/** The environment's location graph. */
export function loadGraph(api: Api, environmentId: string): Promise<OciGraph> {
  return api.get<OciGraph>(`/inventory/impex/v1/organizations/${org(environmentId)}/location-graph`);
}

/** Availability of `sku` at the locations and groups named, in requests of at most MAX_PLACES places. */
export async function loadAvailability(
  api: Api,
  environmentId: string,
  sku: string,
  locations: readonly string[],
  groups: readonly string[],
): Promise<OciAvailability> {
  const path = `/inventory/availability/v1/organizations/${org(environmentId)}/availability-records/actions/get-availability`;
  const places = [
    ...locations.map((id) => ({ id, group: false })),
    ...groups.map((id) => ({ id, group: true })),
  ];
  const byLocation = new Map<string, OciRecord | undefined>();
  const byGroup = new Map<string, OciRecord | undefined>();
  for (let start = 0; start < places.length; start += MAX_PLACES) {
    const chunk = places.slice(start, start + MAX_PLACES);
    const answer = await api.post<Answer>(path, {
      skus: [sku],
      locations: chunk.filter((p) => !p.group).map((p) => p.id),
      groups: chunk.filter((p) => p.group).map((p) => p.id),
    });
    for (const l of answer.locations)
      byLocation.set(
        l.id,
        l.records.find((r) => r.sku === sku),
      );
    for (const g of answer.groups ?? [])
      byGroup.set(
        g.id,
        g.records.find((r) => r.sku === sku),
      );
  }
  return { locations: byLocation, groups: byGroup };
}

/** The table row of a record (quantities as exact text; "–" where the SKU has no record there). */
export function recordRow(record: OciRecord | undefined): Record<string, string> {
  const text = (q: Qty | undefined) => (q === undefined ? '–' : String(q));
  return {
    onHand: text(record?.onHand),
    reserved: text(record?.reserved),
    safetyStockCount: text(record?.safetyStockCount),
    atf: text(record?.atf),
    ato: text(record?.ato),
    groupReserved: text(record?.groupReserved),
    sharedGroupReserved: text(record?.sharedGroupReserved),
  };
}

/** The IV place as one line: organization / site / location. */
export function placeText(place: IvPlace): string {
  return `${place.organizationId} / ${place.siteId} / ${place.locationId}`;
}
