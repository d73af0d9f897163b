import type { Qty } from '../quantity.js';

/** An expected inbound quantity (spec `futures` / `futureStock`). */
export interface Future {
  readonly quantity: Qty;
  /** ISO-8601 UTC. */
  readonly expectedDate: string;
}

/** What Onhand holds for one SKU at one location, read from the IV stock and the OCI tables. */
export interface LocationStock {
  readonly onHand: Qty;
  readonly reserved: Qty;
  readonly safetyStockCount: Qty;
  readonly futures: readonly Future[];
  /** When onHand was last known accurate (the count's time), ISO-8601 UTC; null when never counted. */
  readonly effectiveDate: string | null;
}

/** An availability record of a location (spec §2.1). */
export interface LocationRecord {
  readonly sku: string;
  readonly onHand: Qty;
  readonly reserved: Qty;
  readonly safetyStockCount: Qty;
  readonly atf: Qty;
  readonly ato: Qty;
  readonly futures: readonly Future[];
  readonly effectiveDate?: string;
}

/** An availability record of a group: sums over its locations, plus the group's reservations. */
export interface GroupRecord extends LocationRecord {
  readonly groupReserved: Qty;
  readonly sharedGroupReserved: Qty;
}

/**
 * What is reserved at a group rather than at a location (the reservations seam): `groupReserved`, the
 * group's own reservations; `sharedGroupReserved`, what other groups sharing its locations promised.
 * Both 0 until group reservations exist.
 */
export interface GroupReservations {
  readonly groupReserved: Qty;
  readonly sharedGroupReserved: Qty;
}

export const NO_GROUP_RESERVATIONS: GroupReservations = { groupReserved: 0n, sharedGroupReserved: 0n };

const max0 = (q: Qty): Qty => (q > 0n ? q : 0n);
const sumOf = (qs: readonly Qty[]): Qty => qs.reduce((a, b) => a + b, 0n);

/**
 * Spec §5 (onHand and reserved below 0 count as 0): atf = max(0, onHand − reserved − safetyStockCount),
 * ato = max(0, onHand + Σ futures − reserved − safetyStockCount).
 */
export function locationRecord(sku: string, stock: LocationStock): LocationRecord {
  // OCI quantities are never negative: an IV measure below 0 (a count that ran short) reads as 0.
  const onHand = max0(stock.onHand);
  const reserved = max0(stock.reserved);
  const base = onHand - reserved - stock.safetyStockCount;
  const futures = sumOf(stock.futures.map((f) => f.quantity));
  return {
    sku,
    onHand,
    reserved,
    safetyStockCount: stock.safetyStockCount,
    atf: max0(base),
    ato: max0(base + futures),
    futures: stock.futures,
    ...(stock.effectiveDate === null ? {} : { effectiveDate: stock.effectiveDate }),
  };
}

/**
 * A group's record (spec §5): onHand, safety stock and futures are the sums over its member locations;
 * `reserved` is the members' reserved plus groupReserved and sharedGroupReserved; atf and ato are the
 * sums of the members' atf and ato (each location holds back its own safety stock and never lends a
 * shortfall to another) less the group reservations, never below 0. Futures of the same expectedDate
 * are added together. effectiveDate is the latest of the members'.
 */
export function groupRecord(
  sku: string,
  members: readonly LocationStock[],
  group: GroupReservations = NO_GROUP_RESERVATIONS,
): GroupRecord {
  const records = members.map((m) => locationRecord(sku, m));
  const held = group.groupReserved + group.sharedGroupReserved;
  const byDate = new Map<string, Qty>();
  for (const future of members.flatMap((m) => m.futures))
    byDate.set(future.expectedDate, (byDate.get(future.expectedDate) ?? 0n) + future.quantity);
  const dates = members.map((m) => m.effectiveDate).filter((d): d is string => d !== null);
  const effectiveDate = dates.length === 0 ? null : dates.reduce((a, b) => (a > b ? a : b));
  return {
    sku,
    onHand: sumOf(records.map((r) => r.onHand)),
    reserved: sumOf(records.map((r) => r.reserved)) + held,
    safetyStockCount: sumOf(records.map((r) => r.safetyStockCount)),
    atf: max0(sumOf(records.map((r) => r.atf)) - held),
    ato: max0(sumOf(records.map((r) => r.ato)) - held),
    futures: [...byDate.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([expectedDate, quantity]) => ({ quantity, expectedDate })),
    ...(effectiveDate === null ? {} : { effectiveDate }),
    groupReserved: group.groupReserved,
    sharedGroupReserved: group.sharedGroupReserved,
  };
}
