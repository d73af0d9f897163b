import { fail } from '../codes.js';
import { checkDimensionValue, checkId } from '../identifiers.js';
import { checkGroupId, checkLocationId } from './oci-ids.js';

/** Where an OCI location's stock lives in the Inventory Visibility model: one partition by location. */
export interface IvPlace {
  readonly organizationId: string;
  readonly siteId: string;
  readonly locationId: string;
}

/** A location of the graph; `iv` overrides the default mapping (ivPlaceOf). */
export interface OciLocation {
  readonly id: string;
  readonly iv?: IvPlace | undefined;
}

export interface OciGroup {
  readonly id: string;
  /** Member location ids, in the order given; at least one. */
  readonly locations: readonly string[];
}

/** The location graph of one environment (spec §6): locations, and groups of them. */
export interface LocationGraph {
  /** The IV organization of locations without an override (default DEFAULT_IV_ORGANIZATION). */
  readonly ivOrganizationId: string;
  readonly locations: readonly OciLocation[];
  readonly groups: readonly OciGroup[];
}

/** The organization of Inventory Visibility's samples, used when the graph names none. */
export const DEFAULT_IV_ORGANIZATION = 'usmf';
/** Most locations, and most groups, one graph holds. */
export const MAX_GRAPH_PLACES = 10_000;

/**
 * The default mapping of an OCI location onto an IV partition: organization = the graph's
 * ivOrganizationId, siteId = locationId = the OCI location id, unless the location has an override.
 */
export function ivPlaceOf(graph: Pick<LocationGraph, 'ivOrganizationId'>, location: OciLocation): IvPlace {
  return (
    location.iv ?? {
      organizationId: graph.ivOrganizationId,
      siteId: location.id,
      locationId: location.id,
    }
  );
}

/** The graph upload body as it arrives (after schema validation). */
export interface LocationGraphInput {
  readonly ivOrganizationId?: string;
  readonly locations: readonly (string | { id: string; iv?: IvPlace })[];
  readonly groups?: readonly { id: string; locations: readonly string[] }[];
}

/**
 * Validates a whole graph (spec §1.2, §6): ids well formed, no location or group twice, no group id
 * equal to a location id, every group with at least one location that the graph lists, no two
 * locations on the same IV partition (one stock would count twice). Throws at the first problem.
 */
export function parseLocationGraph(input: LocationGraphInput): LocationGraph {
  const ivOrganizationId = checkId(input.ivOrganizationId ?? DEFAULT_IV_ORGANIZATION, '/ivOrganizationId');
  if (input.locations.length > MAX_GRAPH_PLACES)
    fail('too_many_items', '/locations', `A graph holds at most ${MAX_GRAPH_PLACES} locations.`);
  const groupsIn = input.groups ?? [];
  if (groupsIn.length > MAX_GRAPH_PLACES)
    fail('too_many_items', '/groups', `A graph holds at most ${MAX_GRAPH_PLACES} groups.`);
  const graph = { ivOrganizationId };
  const locations: OciLocation[] = [];
  const ids = new Set<string>();
  const places = new Map<string, string>();
  input.locations.forEach((entry, i) => {
    const path = `/locations/${i}`;
    const location = typeof entry === 'string' ? { id: entry } : entry;
    const id = checkLocationId(location.id, typeof entry === 'string' ? path : `${path}/id`);
    if (ids.has(id)) fail('oci_duplicate_location', path, `Location "${id}" is listed twice.`);
    ids.add(id);
    const iv = location.iv === undefined ? undefined : checkPlace(location.iv, `${path}/iv`);
    const parsed: OciLocation = iv ? { id, iv } : { id };
    const place = ivPlaceOf(graph, parsed);
    const key = JSON.stringify([place.organizationId, place.siteId, place.locationId]);
    const other = places.get(key);
    if (other !== undefined)
      fail(
        'oci_duplicate_location',
        path,
        `Locations "${other}" and "${id}" map onto the same IV site and location; one stock would count twice.`,
      );
    places.set(key, id);
    locations.push(parsed);
  });
  const groupIds = new Set<string>();
  const groups = groupsIn.map((group, i): OciGroup => {
    const path = `/groups/${i}`;
    const id = checkGroupId(group.id, `${path}/id`, 2);
    if (groupIds.has(id)) fail('oci_duplicate_group', `${path}/id`, `Group "${id}" is listed twice.`);
    if (ids.has(id))
      fail('oci_group_id_is_location', `${path}/id`, `Group id "${id}" is also a location id.`);
    groupIds.add(id);
    if (group.locations.length === 0)
      fail('oci_empty_group', `${path}/locations`, `Group "${id}" must hold at least one location.`);
    const members = new Set<string>();
    group.locations.forEach((member, j) => {
      const at = `${path}/locations/${j}`;
      checkLocationId(member, at);
      if (!ids.has(member))
        fail(
          'oci_unknown_location',
          at,
          `Group "${id}" names location "${member}", which the graph does not list.`,
        );
      if (members.has(member))
        fail('oci_duplicate_location', at, `Group "${id}" lists location "${member}" twice.`);
      members.add(member);
    });
    return { id, locations: [...members] };
  });
  return { ivOrganizationId, locations, groups };
}

function checkPlace(place: IvPlace, path: string): IvPlace {
  const organizationId = checkId(place.organizationId, `${path}/organizationId`);
  const siteId = checkDimensionValue(place.siteId, `${path}/siteId`);
  const locationId = checkDimensionValue(place.locationId, `${path}/locationId`);
  if (siteId === '') fail('invalid_id', `${path}/siteId`, 'Must not be empty.');
  if (locationId === '') fail('invalid_id', `${path}/locationId`, 'Must not be empty.');
  return { organizationId, siteId, locationId };
}

/** The graph as the specification's export document (spec §4.3): ids only. */
export function graphDocument(graph: LocationGraph): {
  locations: string[];
  groups: { id: string; locations: string[] }[];
} {
  return {
    locations: graph.locations.map((l) => l.id),
    groups: graph.groups.map((g) => ({ id: g.id, locations: [...g.locations] })),
  };
}

/** An empty graph: what an environment has before its first upload. */
export function emptyGraph(): LocationGraph {
  return { ivOrganizationId: DEFAULT_IV_ORGANIZATION, locations: [], groups: [] };
}

/** Groups of `next` that `previous` had and `next` drops (what the reservations check looks at). */
export function removedGroups(previous: LocationGraph, next: LocationGraph): string[] {
  const kept = new Set(next.groups.map((g) => g.id));
  return previous.groups.map((g) => g.id).filter((id) => !kept.has(id));
}
