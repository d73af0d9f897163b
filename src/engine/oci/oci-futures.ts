import type { Future } from '../../domain/oci/availability.js';
import type { OciMeasures } from '../../domain/oci/oci-measures.js';
import { formatQty, type Qty } from '../../domain/quantity.js';
import type { ScheduleRow } from '../../store/store.js';
import type { Place } from './oci-stock.js';

/** A change schedule's `quantitiesByDate`: data source → measure → quantity, by date. */
export type QuantitiesByDate = Record<string, Record<string, Record<string, string>>>;

/**
 * What replaces the futures of a SKU at a place (docs/oci.md, "Futures are change schedules"): the
 * difference between the futures wanted and the scheduled changes of the onHand measure on the place's
 * base row (no other dimensions) dated `today` or later, by date, as the `quantitiesByDate` of one
 * change schedule. Undefined when nothing differs (so a retried record changes nothing twice).
 */
export function futuresDiff(
  measures: OciMeasures,
  place: Place,
  futures: readonly Future[],
  rows: readonly ScheduleRow[],
  today: string,
): QuantitiesByDate | undefined {
  const wanted = new Map<string, Qty>();
  for (const f of futures) {
    const date = f.expectedDate.slice(0, 10);
    wanted.set(date, (wanted.get(date) ?? 0n) + f.quantity);
  }
  const current = new Map<string, Qty>();
  for (const row of rows) {
    const base = Object.keys(row.dimensions).length === 2;
    const same =
      row.dataSource === measures.onHand.dataSource &&
      row.measure === measures.onHand.measure &&
      row.dimensions.siteid === place.iv.siteId &&
      row.dimensions.locationid === place.iv.locationId;
    if (base && same && row.date >= today)
      current.set(row.date, (current.get(row.date) ?? 0n) + row.quantity);
  }
  const byDate: QuantitiesByDate = {};
  for (const date of new Set([...wanted.keys(), ...current.keys()])) {
    const delta = (wanted.get(date) ?? 0n) - (current.get(date) ?? 0n);
    if (delta !== 0n)
      byDate[date] = { [measures.onHand.dataSource]: { [measures.onHand.measure]: formatQty(delta) } };
  }
  return Object.keys(byDate).length === 0 ? undefined : byDate;
}
