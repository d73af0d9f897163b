import type { Future } from '../../domain/oci/availability.js';
import type { OciMeasures } from '../../domain/oci/oci-measures.js';
import { formatQty, type Qty } from '../../domain/quantity.js';
import type { ScheduleInput } from '../../domain/schedule/schedule-command.js';
import { dateOf } from '../../domain/schedule/schedule-date.js';
import type { Store } from '../../store/store.js';
import type { ItemOutcome } from '../outcome.js';
import type { WriteItem } from '../write-item.js';
import type { Place } from './oci-stock.js';

/** Posts change schedules (Engine.schedules.change). */
export type PostSchedules = (
  environmentId: string,
  items: readonly WriteItem<ScheduleInput>[],
) => Promise<ItemOutcome[]>;

/**
 * Replaces the futures of a SKU at a place (docs/oci.md, "Futures are change schedules"): the
 * difference between the futures wanted and the scheduled changes of the onHand measure on the place's
 * base row (no other dimensions), by date, posted as one change schedule with `eventId`. Posts nothing
 * when nothing differs (so a retried record changes nothing twice). Undefined on success, or the
 * schedule's failed outcome.
 */
export async function replaceFutures(
  store: Store,
  post: PostSchedules,
  environmentId: string,
  measures: OciMeasures,
  place: Place,
  sku: string,
  futures: readonly Future[],
  eventId: string,
  now: Date,
  path: string,
): Promise<ItemOutcome | undefined> {
  const today = dateOf(now);
  const wanted = new Map<string, Qty>();
  for (const f of futures) {
    const date = dateOf(new Date(f.expectedDate));
    wanted.set(date, (wanted.get(date) ?? 0n) + f.quantity);
  }
  const rows = await store.readSchedule(
    environmentId,
    {
      organizationIds: [place.iv.organizationId],
      productIds: [sku],
      siteIds: [place.iv.siteId],
      locationIds: [place.iv.locationId],
    },
    today,
  );
  const current = new Map<string, Qty>();
  for (const row of rows) {
    const base = Object.keys(row.dimensions).length === 2;
    const same =
      row.dataSource === measures.onHand.dataSource &&
      row.measure === measures.onHand.measure &&
      row.dimensions.siteid === place.iv.siteId &&
      row.dimensions.locationid === place.iv.locationId;
    if (base && same) current.set(row.date, (current.get(row.date) ?? 0n) + row.quantity);
  }
  const byDate: Record<string, Record<string, Record<string, string>>> = {};
  for (const date of new Set([...wanted.keys(), ...current.keys()])) {
    const delta = (wanted.get(date) ?? 0n) - (current.get(date) ?? 0n);
    if (delta !== 0n)
      byDate[date] = { [measures.onHand.dataSource]: { [measures.onHand.measure]: formatQty(delta) } };
  }
  if (Object.keys(byDate).length === 0) return undefined;
  const [outcome] = await post(environmentId, [
    {
      input: {
        id: eventId,
        organizationId: place.iv.organizationId,
        productId: sku,
        dimensions: { siteId: place.iv.siteId, locationId: place.iv.locationId },
        quantitiesByDate: byDate,
      },
      path,
    },
  ]);
  return outcome && outcome.status !== 'success' ? outcome : undefined;
}
