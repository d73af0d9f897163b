import {
  canonicalDimensions,
  type Dimensions,
  dimensionsKey,
  LOCATION,
  SITE,
} from '../../domain/dimensions.js';
import { GROUP_LOCK, OCI_SOURCE } from '../../domain/oci/group-locks.js';
import { ivPlaceOf } from '../../domain/oci/location-graph.js';
import type { Qty } from '../../domain/quantity.js';
import type { StockValue } from '../../domain/query/query-plan.js';
import type { Store } from '../../store/store.js';
import type { OciHold } from '../reservations/reservation-work.js';

/** What the guard needs of a write: its organization, product and dimensions. */
export interface OciPlaceOf {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Dimensions;
}

/**
 * The engine's guard for IV reservations at OCI locations (docs/oci.md, "Reservations"): where the
 * environment has an OCI graph and the reservation's place is one of its locations, the IV check also
 * subtracts the location's OCI safety stock and every group's promise there. Undefined otherwise, so an
 * environment without OCI data checks exactly as before.
 */
export function ociHoldLookup(store: Store) {
  return async (environmentId: string, c: OciPlaceOf): Promise<OciHold | undefined> => {
    const record = await store.oci.getGraph(environmentId);
    if (!record) return undefined;
    const site = c.dimensions[SITE] ?? '';
    const loc = c.dimensions[LOCATION] ?? '';
    const location = record.graph.locations.find((l) => {
      const iv = ivPlaceOf(record.graph, l);
      return iv.organizationId === c.organizationId && iv.siteId === site && iv.locationId === loc;
    });
    if (!location) return undefined;
    const [safety] = await store.oci.readSafetyStock(environmentId, [c.productId], [location.id]);
    const place = canonicalDimensions([
      [SITE, site],
      [LOCATION, loc],
    ]);
    return { place, safety: safety?.quantity ?? 0n };
  };
}

/** What OCI holds back at the place: its safety stock and the group locks in the scope's rows. */
export function ociHeld(values: Iterable<StockValue>, hold: OciHold): Qty {
  let held = hold.safety;
  for (const v of values) {
    if (v.dataSource !== OCI_SOURCE || v.measure !== GROUP_LOCK) continue;
    if (v.dimensions[SITE] === hold.place[SITE] && v.dimensions[LOCATION] === hold.place[LOCATION])
      held += v.quantity;
  }
  return held;
}

/** True when `level` is the place itself (site and location, nothing else). */
export function isPlaceLevel(level: Dimensions, hold: OciHold): boolean {
  return dimensionsKey(level) === dimensionsKey(hold.place);
}
