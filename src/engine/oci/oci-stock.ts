import { LOCATION, SITE } from '../../domain/dimensions.js';
import type { Future, LocationStock } from '../../domain/oci/availability.js';
import {
  type IvPlace,
  ivPlaceOf,
  type LocationGraph,
  type OciLocation,
} from '../../domain/oci/location-graph.js';
import type { OciMeasures } from '../../domain/oci/oci-measures.js';
import type { Qty } from '../../domain/quantity.js';
import { dateOf } from '../../domain/schedule/schedule-date.js';
import type { SafetyStockRow } from '../../store/oci/oci-store.js';
import type { ScheduleRow, StockRow, Store } from '../../store/store.js';

/** An OCI location with the IV place its stock lives in. */
export interface Place {
  readonly id: string;
  readonly iv: IvPlace;
}

export function placeOf(graph: LocationGraph, location: OciLocation): Place {
  return { id: location.id, iv: ivPlaceOf(graph, location) };
}

/** Key of one SKU at one OCI location in the maps below. */
export const stockKey = (sku: string, locationId: string): string => `${locationId}\u0000${sku}`;

const placeKey = (org: string, site: string | undefined, location: string | undefined) =>
  JSON.stringify([org, site ?? '', location ?? '']);

/**
 * Reads what Onhand holds for every SKU × place (docs/oci.md, "Quantities and measures"): onHand and
 * reserved from the committed IV stock (the sum over every row of the place, whatever its other
 * dimensions), safety stock from the OCI table, futures from the change schedules of the onHand
 * measure (dates from today on, positive net quantities, at midnight UTC). Absent values are 0.
 */
export async function readLocationStock(
  store: Store,
  environmentId: string,
  measures: OciMeasures,
  skus: readonly string[],
  places: readonly Place[],
  now: Date,
): Promise<Map<string, LocationStock>> {
  if (skus.length === 0 || places.length === 0) return new Map();
  const selector = {
    organizationIds: [...new Set(places.map((p) => p.iv.organizationId))],
    productIds: [...skus],
    siteIds: [...new Set(places.map((p) => p.iv.siteId))],
    locationIds: [...new Set(places.map((p) => p.iv.locationId))],
  };
  const [rows, schedule, safety] = await Promise.all([
    store.readStock(environmentId, selector),
    store.readSchedule(environmentId, selector, dateOf(now)),
    store.oci.readSafetyStock(
      environmentId,
      skus,
      places.map((p) => p.id),
    ),
  ]);
  const fold = new StockFold(measures, places, dateOf(now));
  fold.add(rows, schedule, safety);
  return fold.result();
}

/**
 * Folds IV stock rows, scheduled changes and safety stock into OCI location stock (readLocationStock's
 * rules), page by page: the availability export folds the pages of a feed snapshot with it. Rows of
 * places that are not among `places`, and scheduled changes dated before `today`, are left out.
 */
export class StockFold {
  readonly #stock = new Map<string, MutableStock>();
  readonly #byPlace: Map<string, string>;

  constructor(
    private readonly measures: OciMeasures,
    places: readonly Place[],
    private readonly today: string,
  ) {
    this.#byPlace = new Map(
      places.map((p) => [placeKey(p.iv.organizationId, p.iv.siteId, p.iv.locationId), p.id]),
    );
  }

  /** The OCI location of an IV place (organization, site, location), or undefined. */
  locationOf(organizationId: string, dimensions: Readonly<Record<string, string>>): string | undefined {
    return this.#byPlace.get(placeKey(organizationId, dimensions[SITE], dimensions[LOCATION]));
  }

  add(rows: readonly StockRow[], schedule: readonly ScheduleRow[], safety: readonly SafetyStockRow[]): void {
    const is = (m: { dataSource: string; measure: string }, ref: OciMeasures['onHand']) =>
      m.dataSource === ref.dataSource && m.measure === ref.measure;
    for (const row of rows) {
      const id = this.locationOf(row.organizationId, row.dimensions);
      if (id === undefined) continue;
      if (is(row, this.measures.onHand)) {
        const stock = this.entry(row.productId, id);
        stock.onHand += row.quantity;
        if (row.countedAt !== null && (stock.effectiveDate === null || row.countedAt > stock.effectiveDate))
          stock.effectiveDate = row.countedAt;
      } else if (is(row, this.measures.reserved)) this.entry(row.productId, id).reserved += row.quantity;
    }
    for (const row of schedule) {
      const id = this.locationOf(row.organizationId, row.dimensions);
      if (id === undefined || row.date < this.today || !is(row, this.measures.onHand)) continue;
      const futures = this.entry(row.productId, id).futures;
      futures.set(row.date, (futures.get(row.date) ?? 0n) + row.quantity);
    }
    for (const row of safety) this.entry(row.sku, row.locationId).safetyStockCount = row.quantity;
  }

  /** The stock folded so far, by stockKey. */
  result(): Map<string, LocationStock> {
    return new Map(
      [...this.#stock].map(([key, s]) => [
        key,
        {
          onHand: s.onHand,
          reserved: s.reserved,
          safetyStockCount: s.safetyStockCount,
          futures: futuresOf(s.futures),
          effectiveDate: s.effectiveDate,
        },
      ]),
    );
  }

  private entry(sku: string, locationId: string): MutableStock {
    const key = stockKey(sku, locationId);
    let stock = this.#stock.get(key);
    if (!stock) {
      stock = { onHand: 0n, reserved: 0n, safetyStockCount: 0n, futures: new Map(), effectiveDate: null };
      this.#stock.set(key, stock);
    }
    return stock;
  }
}

interface MutableStock {
  onHand: Qty;
  reserved: Qty;
  safetyStockCount: Qty;
  futures: Map<string, Qty>;
  effectiveDate: string | null;
}

function futuresOf(byDate: Map<string, Qty>): Future[] {
  return [...byDate]
    .filter(([, q]) => q > 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, quantity]) => ({ quantity, expectedDate: `${date}T00:00:00.000Z` }));
}

/** A location with no stock at all. */
export const NO_STOCK: LocationStock = {
  onHand: 0n,
  reserved: 0n,
  safetyStockCount: 0n,
  futures: [],
  effectiveDate: null,
};
