import { LOCATION, SITE } from '../../domain/dimensions.js';
import type { GroupReservations } from '../../domain/oci/availability.js';
import { GROUP_LOCK, OCI_GROUP_DIMENSION, OCI_SOURCE } from '../../domain/oci/group-locks.js';
import type { LocationGraph, OciGroup } from '../../domain/oci/location-graph.js';
import type { Qty } from '../../domain/quantity.js';
import type { StockRow, Store } from '../../store/store.js';
import { groupSkuKey } from './oci-availability-answer.js';
import type { OciGraphs } from './oci-graphs.js';
import { type Place, placeOf } from './oci-stock.js';

const placeKey = (org: string, site: string, location: string) => JSON.stringify([org, site, location]);

/** One group lock: what a group holds of a SKU at one of its locations. */
export interface GroupLock {
  readonly locationId: string;
  readonly groupId: string;
  readonly sku: string;
  readonly quantity: Qty;
}

function placesOf(graph: LocationGraph, locationIds: readonly string[]): Place[] {
  const byId = new Map(graph.locations.map((l) => [l.id, l]));
  return locationIds.flatMap((id) => {
    const location = byId.get(id);
    return location ? [placeOf(graph, location)] : [];
  });
}

/**
 * The group locks among stock rows (the `@oci.@grouplock` rows, not 0) at the places of `locationIds`;
 * rows of other places are left out.
 */
export function groupLocksIn(
  graph: LocationGraph,
  locationIds: readonly string[],
  rows: readonly StockRow[],
): GroupLock[] {
  const byPlace = new Map(
    placesOf(graph, locationIds).map((p) => [
      placeKey(p.iv.organizationId, p.iv.siteId, p.iv.locationId),
      p.id,
    ]),
  );
  return rows.flatMap((row) => {
    if (row.dataSource !== OCI_SOURCE || row.measure !== GROUP_LOCK || row.quantity === 0n) return [];
    const locationId = byPlace.get(
      placeKey(row.organizationId, row.dimensions[SITE] ?? '', row.dimensions[LOCATION] ?? ''),
    );
    const groupId = row.dimensions[OCI_GROUP_DIMENSION];
    if (locationId === undefined || groupId === undefined) return [];
    return [{ locationId, groupId, sku: row.productId, quantity: row.quantity }];
  });
}

/**
 * The group locks of SKUs at locations (committed read): per (location, group, SKU) the quantity of
 * the `@oci.@grouplock` rows there. `skus` undefined: every SKU.
 */
export async function readGroupLocks(
  store: Store,
  environmentId: string,
  graph: LocationGraph,
  locationIds: readonly string[],
  skus?: readonly string[],
): Promise<GroupLock[]> {
  const places = placesOf(graph, locationIds);
  if (places.length === 0) return [];
  const rows = await store.readStock(environmentId, {
    organizationIds: [...new Set(places.map((p) => p.iv.organizationId))],
    ...(skus ? { productIds: [...skus] } : {}),
    siteIds: [...new Set(places.map((p) => p.iv.siteId))],
    locationIds: [...new Set(places.map((p) => p.iv.locationId))],
  });
  return groupLocksIn(graph, locationIds, rows);
}

/** groupReserved and sharedGroupReserved of each (group, SKU) from the locks at their members. */
export function groupReservationsOf(
  groups: readonly OciGroup[],
  skus: readonly string[],
  locks: readonly GroupLock[],
): Map<string, GroupReservations> {
  const out = new Map<string, GroupReservations>();
  for (const g of groups) {
    for (const sku of skus) {
      let own = 0n;
      let shared = 0n;
      for (const lock of locks) {
        if (lock.sku !== sku || !g.locations.includes(lock.locationId)) continue;
        if (lock.groupId === g.id) own += lock.quantity;
        else shared += lock.quantity;
      }
      if (own !== 0n || shared !== 0n)
        out.set(groupSkuKey(g.id, sku), { groupReserved: own, sharedGroupReserved: shared });
    }
  }
  return out;
}

/** The locations of groups, each once. */
export function membersOf(groups: readonly OciGroup[]): string[] {
  return [...new Set(groups.flatMap((g) => g.locations))];
}

/** availability.groupReservations: groupReserved and sharedGroupReserved of each (group, SKU). */
export function groupReservationReader(store: Store, graphs: OciGraphs) {
  return async (environmentId: string, groupIds: readonly string[], skus: readonly string[]) => {
    const { graph } = await graphs.get(environmentId);
    const groups = graph.groups.filter((g) => groupIds.includes(g.id));
    const locks = await readGroupLocks(store, environmentId, graph, membersOf(groups), skus);
    return groupReservationsOf(groups, skus, locks);
  };
}

/** graphs.dependents: the groups among `groupIds` that hold a lock anywhere. */
export function groupDependents(store: Store, graphs: OciGraphs) {
  return async (environmentId: string, groupIds: readonly string[]): Promise<string[]> => {
    const { graph } = await graphs.get(environmentId);
    const members = membersOf(graph.groups.filter((g) => groupIds.includes(g.id)));
    const locks = await readGroupLocks(store, environmentId, graph, members);
    return groupIds.filter((id) => locks.some((l) => l.groupId === id));
  };
}
