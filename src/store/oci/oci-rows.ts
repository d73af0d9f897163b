import type { LocationGraph, OciGroup, OciLocation } from '../../domain/oci/location-graph.js';

/** A location row as both backends store it. */
export interface LocationRow {
  location_id: string;
  iv_organization_id: string | null;
  iv_site_id: string | null;
  iv_location_id: string | null;
}

/** A group member row as both backends store it, in order. */
export interface MemberRow {
  group_id: string;
  location_id: string;
}

/** Rebuilds a graph from its rows (locations and members in position order). */
export function graphOfRows(
  ivOrganizationId: string,
  locations: readonly LocationRow[],
  groupIds: readonly string[],
  members: readonly MemberRow[],
): LocationGraph {
  const byGroup = new Map<string, string[]>(groupIds.map((id) => [id, []]));
  for (const m of members) byGroup.get(m.group_id)?.push(m.location_id);
  return {
    ivOrganizationId,
    locations: locations.map(locationOfRow),
    groups: groupIds.map((id): OciGroup => ({ id, locations: byGroup.get(id) ?? [] })),
  };
}

function locationOfRow(row: LocationRow): OciLocation {
  if (row.iv_organization_id === null || row.iv_site_id === null || row.iv_location_id === null)
    return { id: row.location_id };
  return {
    id: row.location_id,
    iv: { organizationId: row.iv_organization_id, siteId: row.iv_site_id, locationId: row.iv_location_id },
  };
}

/** The columns of a location's override (nulls when it has none). */
export function overrideColumns(location: OciLocation): [string | null, string | null, string | null] {
  return location.iv
    ? [location.iv.organizationId, location.iv.siteId, location.iv.locationId]
    : [null, null, null];
}
