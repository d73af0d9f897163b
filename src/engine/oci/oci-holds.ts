import { GROUP_LOCK, lockOrder, OCI_SOURCE, planLocks } from '../../domain/oci/group-locks.js';
import type { Qty } from '../../domain/quantity.js';
import type { ReservationRecord } from '../../store/store.js';
import type { OciContext } from './oci-run.js';
import { groupDimensions, type OciScopes, type OciSlot } from './oci-scope.js';

/** What every new hold of one operation shares. */
export interface HoldBase {
  /** The reservation document (or record id) the hold belongs to, kept as the IV record's event id. */
  readonly reservationId: string;
  readonly expiresAt: string | null;
  readonly now: string;
  /** The IV record id of the next hold. */
  readonly newId: () => string;
}

export interface HoldRef {
  readonly recordId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly groupId?: string;
}

/** Adds a hold of `quantity` at a slot: the location's reserved measure, or a group's lock there. */
export function addHold(
  scopes: OciScopes,
  slot: OciSlot,
  quantity: Qty,
  base: HoldBase,
  holds: HoldRef[],
  groupId?: string,
): void {
  const state = scopes.state(slot);
  const dimensions = groupId === undefined ? slot.place : groupDimensions(slot.place, groupId);
  const measure =
    groupId === undefined ? scopes.measures.reserved : { dataSource: OCI_SOURCE, measure: GROUP_LOCK };
  const reservationId = base.newId();
  state.addToMeasure(dimensions, measure.dataSource, measure.measure, quantity);
  const record: ReservationRecord = {
    reservationId,
    organizationId: slot.scope.organizationId,
    productId: slot.sku,
    partitionId: slot.scope.partitionId,
    dimensions,
    dataSource: measure.dataSource,
    measure: measure.measure,
    quantity,
    remaining: quantity,
    expiresAt: base.expiresAt,
    status: 'open',
    eventId: base.reservationId,
    createdAt: base.now,
    updatedAt: base.now,
  };
  state.putReservation(record);
  holds.push({
    recordId: reservationId,
    sku: slot.sku,
    locationId: slot.locationId,
    ...(groupId ? { groupId } : {}),
  });
}

/**
 * Reserves at a location what it has free (ATO, or ATF with `fulfillOnly`, less every group's lock):
 * all of `quantity` or nothing, or with `partial` as much as there is. Returns the quantity reserved.
 */
export function reserveAtLocation(
  scopes: OciScopes,
  slot: OciSlot,
  quantity: Qty,
  partial: boolean,
  fulfillOnly: boolean,
  base: HoldBase,
  holds: HoldRef[],
): Qty {
  const free = scopes.free(slot, !fulfillOnly);
  const take = free < quantity ? (partial ? free : 0n) : quantity;
  if (take > 0n) addHold(scopes, slot, take, base, holds);
  return take;
}

/**
 * The ATF a group may still promise: the sum of its locations' free stock, and never more than the
 * group's ATF (Σ max(0, atf) less every group lock at its locations).
 */
export function groupFree(ctx: OciContext, groupId: string, sku: string): Qty {
  const { scopes } = ctx;
  const members = ctx.graph.groups.find((g) => g.id === groupId)?.locations ?? [];
  let free = 0n;
  let atf = 0n;
  for (const id of members) {
    const slot = scopes.slot(sku, id);
    free += scopes.free(slot);
    atf += scopes.atf(slot) - scopes.locked(slot);
  }
  if (atf < 0n) atf = 0n;
  return free < atf ? free : atf;
}

/** Reserves at a group: locks at its locations least shared first (spec §3.6). Returns the quantity locked. */
export function reserveAtGroup(
  ctx: OciContext,
  groupId: string,
  sku: string,
  quantity: Qty,
  partial: boolean,
  base: HoldBase,
  holds: HoldRef[],
): Qty {
  const { scopes } = ctx;
  const available = groupFree(ctx, groupId, sku);
  const target = available < quantity ? (partial ? available : 0n) : quantity;
  if (target <= 0n) return 0n;
  const { locks } = planLocks(
    lockOrder(ctx.graph, groupId),
    (id) => scopes.free(scopes.slot(sku, id)),
    target,
  );
  let got = 0n;
  for (const [locationId, q] of locks) {
    addHold(scopes, scopes.slot(sku, locationId), q, base, holds, groupId);
    got += q;
  }
  return got;
}

/** What a release took from one hold. */
export interface Released {
  readonly record: ReservationRecord;
  readonly amount: Qty;
}

/**
 * Releases `quantity` from OCI holds: at a location (its OCI reservations), or a group's locks at its
 * locations (most shared first, `prefer` first of all). All of it or nothing: returns what was taken
 * from each record, or undefined when they hold less than `quantity`.
 */
export function releaseHolds(
  ctx: OciContext,
  sku: string,
  place: { kind: 'location' | 'group'; id: string },
  quantity: Qty,
  prefer?: string,
): Released[] | undefined {
  const { scopes } = ctx;
  const now = ctx.now.toISOString();
  const slots =
    place.kind === 'location'
      ? [scopes.slot(sku, place.id)]
      : [...lockOrder(ctx.graph, place.id)]
          .reverse()
          .sort((a, b) => (a === prefer ? -1 : b === prefer ? 1 : 0))
          .map((id) => scopes.slot(sku, id));
  const groupId = place.kind === 'group' ? place.id : undefined;
  const held = slots.map((slot) => ({ slot, records: scopes.records(slot, groupId) }));
  const total = held.reduce((sum, h) => sum + h.records.reduce((s, r) => s + r.remaining, 0n), 0n);
  if (total < quantity) return undefined;
  let left = quantity;
  const released: Released[] = [];
  for (const { slot, records } of held) {
    if (left <= 0n) break;
    const { releases } = scopes.state(slot).release(records, left, now, 'released');
    for (const r of releases) {
      left -= r.amount;
      const record = records.find((x) => x.reservationId === r.reservationId);
      if (record) released.push({ record, amount: r.amount });
    }
  }
  return released;
}

/**
 * The reservation documents a release took from (each hold's IV event id is its document's id), with
 * the quantity taken from each, in the order first taken: what the ledger entry of a movement records
 * for the reservations export (docs/oci.md, "Reservations export").
 */
export function documentsOf(released: readonly Released[]): { reservationId: string; quantity: Qty }[] {
  const byDocument = new Map<string, Qty>();
  for (const { record, amount } of released) {
    const id = record.eventId;
    byDocument.set(id, (byDocument.get(id) ?? 0n) + amount);
  }
  return [...byDocument].map(([reservationId, quantity]) => ({ reservationId, quantity }));
}
