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
import type { Store, StoreTx } from '../../store/store.js';
import type { OciHold } from '../reservations/reservation-work.js';
import { SharedLookup } from './shared-lookup.js';

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
 * environment without OCI data checks exactly as before. The graph is read once per environment for
 * the reservations that ask in the same turn of the event loop (shared-lookup.ts), each answer read
 * after its reservation asked.
 */
export function ociHoldLookup(store: Store) {
  const graphs = new SharedLookup((environmentId) => store.oci.getGraph(environmentId));
  return async (environmentId: string, c: OciPlaceOf): Promise<OciHold | undefined> => {
    const record = await graphs.get(environmentId);
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
    return { place, locationId: location.id, sku: c.productId, safety: safety?.quantity ?? 0n };
  };
}

/**
 * The works of a batch with their OCI safety stock read again inside the batch's transaction, which
 * holds the lock key of every scope it writes: a safety stock change (written under the same key,
 * docs/oci.md "Writes go through the IV write paths") commits before this read or waits until the
 * batch commits, so the check never uses a value that changed meanwhile (design.md rule 1).
 */
export async function freshHolds<
  W extends { readonly oci?: OciHold; readonly scope: { environmentId: string } },
>(tx: StoreTx, works: readonly W[]): Promise<W[]> {
  const held = works.filter((w) => w.oci !== undefined);
  if (held.length === 0) return [...works];
  const byEnvironment = new Map<string, OciHold[]>();
  for (const w of held) {
    const list = byEnvironment.get(w.scope.environmentId) ?? [];
    list.push(w.oci as OciHold);
    byEnvironment.set(w.scope.environmentId, list);
  }
  const safety = new Map<string, Qty>();
  for (const [environmentId, holds] of byEnvironment) {
    const rows = await tx.oci.readSafetyStock(
      environmentId,
      [...new Set(holds.map((h) => h.sku))],
      [...new Set(holds.map((h) => h.locationId))],
    );
    for (const r of rows) safety.set(JSON.stringify([environmentId, r.locationId, r.sku]), r.quantity);
  }
  return works.map((w) =>
    w.oci === undefined
      ? w
      : {
          ...w,
          oci: {
            ...w.oci,
            safety: safety.get(JSON.stringify([w.scope.environmentId, w.oci.locationId, w.oci.sku])) ?? 0n,
          },
        },
  );
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
