import type { Qty } from '../../domain/quantity.js';
import type { StoreTx } from '../../store/store.js';
import { ociPlaceIn } from '../oci/oci-iv-guard.js';
import type { Work } from './reservation-operations.js';
import type { OciHold, ReservationWork } from './reservation-work.js';

/**
 * The batch's reserve works with what OCI holds back at their places (docs/oci.md, "Reservations"),
 * found inside the batch's transaction: per environment the graph's version is read and held
 * (StoreTx.ociGraphVersion: one statement, 0 without a graph, the common case) and only where there is
 * a graph are the graph and the safety stock of the places that are its locations read. So the lookup
 * costs one statement per environment and batch instead of one per reservation before it, and a graph
 * replacement waits for the batch (or the batch sees the new graph) rather than racing it. Only works
 * whose availability is checked use a hold (reservation-operations.ts), so only they are looked up.
 */
export async function withOciHolds(
  tx: StoreTx,
  works: readonly ReservationWork[],
): Promise<readonly ReservationWork[]> {
  const checked = works.filter(isChecked);
  if (checked.length === 0) return works;
  const environments = [...new Set(checked.map((w) => w.scope.environmentId))];
  const versions = await Promise.all(environments.map((e) => tx.ociGraphVersion(e)));
  const withGraph = environments.filter((_, i) => versions[i] !== 0);
  if (withGraph.length === 0) return works;
  const holds = new Map<ReservationWork, OciHold>();
  for (const environmentId of withGraph) {
    const record = await tx.oci.getGraph(environmentId);
    if (!record) continue;
    const placed = checked.flatMap((w) => {
      if (w.scope.environmentId !== environmentId) return [];
      const at = ociPlaceIn(record, w.command);
      return at ? [{ w, at }] : [];
    });
    if (placed.length === 0) continue;
    const rows = await tx.oci.readSafetyStock(
      environmentId,
      [...new Set(placed.map(({ w }) => w.command.productId))],
      [...new Set(placed.map(({ at }) => at.locationId))],
    );
    const safety = new Map<string, Qty>();
    for (const r of rows) safety.set(`${r.locationId}\u0000${r.sku}`, r.quantity);
    for (const { w, at } of placed) {
      const sku = w.command.productId;
      holds.set(w, { ...at, sku, safety: safety.get(`${at.locationId}\u0000${sku}`) ?? 0n });
    }
  }
  if (holds.size === 0) return works;
  return works.map((w) => {
    const oci = holds.get(w);
    return oci === undefined ? w : { ...w, oci };
  });
}

/** A reserve whose availability is checked: the only work an OCI hold changes. */
function isChecked(w: ReservationWork): w is Work<'reserve'> {
  return w.kind === 'reserve' && w.command.check && w.command.quantity >= 0n;
}
