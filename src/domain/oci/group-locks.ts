import type { Qty } from '../quantity.js';
import type { LocationGraph } from './location-graph.js';

/** The system data source of OCI group promises (docs/oci.md, "Reservations"); no configuration may define it. */
export const OCI_SOURCE = '@oci';
/** The measure of a group's lock at one location (rows at the place's dimensions plus OCI_GROUP_DIMENSION). */
export const GROUP_LOCK = '@grouplock';
/** The dimension naming the group a lock belongs to. */
export const OCI_GROUP_DIMENSION = '@ocigroup';

/** How many groups of the graph hold each location. */
export function sharing(graph: LocationGraph): Map<string, number> {
  const count = new Map<string, number>();
  for (const g of graph.groups) for (const l of g.locations) count.set(l, (count.get(l) ?? 0) + 1);
  return count;
}

/**
 * The order a group locks its member locations in (spec §3.6): least shared first (the location in
 * the fewest groups), ties in the group's own order. Releases go the other way round.
 */
export function lockOrder(graph: LocationGraph, groupId: string): string[] {
  const group = graph.groups.find((g) => g.id === groupId);
  if (!group) return [];
  const shared = sharing(graph);
  return group.locations
    .map((id, position) => ({ id, position, shared: shared.get(id) ?? 0 }))
    .sort((a, b) => a.shared - b.shared || a.position - b.position)
    .map((l) => l.id);
}

/**
 * Plans a group lock of `quantity`: takes from each location in `order` what it has free, until the
 * quantity is covered. Returns the quantity per location and what could not be covered.
 */
export function planLocks(
  order: readonly string[],
  free: (locationId: string) => Qty,
  quantity: Qty,
): { locks: [string, Qty][]; missing: Qty } {
  const locks: [string, Qty][] = [];
  let left = quantity;
  for (const id of order) {
    if (left <= 0n) break;
    const available = free(id);
    const take = available < left ? available : left;
    if (take > 0n) {
      locks.push([id, take]);
      left -= take;
    }
  }
  return { locks, missing: left };
}
