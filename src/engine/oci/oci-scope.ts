import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import {
  canonicalDimensions,
  type Dimensions,
  dimensionValue,
  LOCATION,
  SITE,
} from '../../domain/dimensions.js';
import { GROUP_LOCK, OCI_GROUP_DIMENSION, OCI_SOURCE } from '../../domain/oci/group-locks.js';
import type { LocationGraph } from '../../domain/oci/location-graph.js';
import type { OciMeasures } from '../../domain/oci/oci-measures.js';
import { lockKeyOf, partitionIdOf } from '../../domain/partition.js';
import type { Qty } from '../../domain/quantity.js';
import { dateOf } from '../../domain/schedule/schedule-date.js';
import type { ReservationRecord, StockRow, StoreTx } from '../../store/store.js';
import type { Scope } from '../reservations/reservation-work.js';
import { ScopeState } from '../reservations/scope-state.js';
import { placeOf } from './oci-stock.js';

/** Prefix of the IV reservation records that hold OCI reservations (docs/oci.md, "Reservations"). */
export const OCI_RECORD_PREFIX = 'oci~';

/** One SKU at one OCI location: its IV scope and the dimensions of the place's own row. */
export interface OciSlot {
  readonly sku: string;
  readonly locationId: string;
  readonly scope: Scope;
  readonly place: Dimensions;
}

const slotKey = (sku: string, locationId: string) => `${locationId}\u0000${sku}`;

/** The IV scope and place dimensions of a SKU at an OCI location. */
export function slotOf(
  environmentId: string,
  config: CompiledConfiguration,
  graph: LocationGraph,
  sku: string,
  locationId: string,
): OciSlot {
  const location = graph.locations.find((l) => l.id === locationId);
  if (!location) throw new Error(`unknown location ${locationId}`);
  const { iv } = placeOf(graph, location);
  const place = canonicalDimensions([
    [SITE, iv.siteId],
    [LOCATION, iv.locationId],
  ]);
  const partitionId = partitionIdOf(config.partitionRule, iv.organizationId, sku, place);
  return {
    sku,
    locationId,
    place,
    scope: { environmentId, organizationId: iv.organizationId, productId: sku, partitionId },
  };
}

/** The lock key of a slot (the IV writer's unit of serialisation). */
export function slotLock(slot: OciSlot): string {
  const { environmentId, organizationId, productId, partitionId } = slot.scope;
  return lockKeyOf(environmentId, organizationId, productId, partitionId);
}

/** The lock key of an OCI reservation id: every operation on its document holds it. */
export function reservationLock(environmentId: string, reservationId: string): string {
  return lockKeyOf(environmentId, OCI_SOURCE, reservationId, '');
}

const scopeId = (s: Scope) => JSON.stringify([s.organizationId, s.productId, s.partitionId]);

/**
 * The IV scopes of a set of OCI slots loaded inside one transaction (their rows, every open IV
 * reservation, the OCI records named), with the OCI quantities read from them: on hand and reserved
 * summed over the place, the group locks, the futures. Changes go through the ScopeStates, so the
 * reservation writer's flush, ledger and expiry rules apply unchanged.
 */
export class OciScopes {
  private readonly slots = new Map<string, OciSlot>();
  private readonly states = new Map<string, ScopeState>();
  private readonly futures = new Map<string, Qty>();

  private constructor(
    readonly measures: OciMeasures,
    readonly safety: ReadonlyMap<string, Qty>,
  ) {}

  static async load(
    tx: StoreTx,
    environmentId: string,
    slots: readonly OciSlot[],
    measures: OciMeasures,
    safety: ReadonlyMap<string, Qty>,
    named: readonly string[],
    now: Date,
  ): Promise<OciScopes> {
    const scopes = new OciScopes(measures, safety);
    const byScope = new Map<string, Scope>();
    for (const slot of slots) {
      scopes.slots.set(slotKey(slot.sku, slot.locationId), slot);
      byScope.set(scopeId(slot.scope), slot.scope);
    }
    const wanted = [...byScope.values()].map((scope) => ({ scope, reservationIds: named, allOpen: true }));
    for (const state of await ScopeState.loadMany(tx, environmentId, wanted, now.toISOString()))
      scopes.states.set(scopeId(state.scope), state);
    const today = dateOf(now);
    for (const scope of byScope.values()) {
      const rows = await tx.readProductSchedule(
        environmentId,
        scope.organizationId,
        scope.productId,
        scope.partitionId,
      );
      const byDate = new Map<string, Qty>();
      for (const slot of slots.filter((s) => scopeId(s.scope) === scopeId(scope))) {
        byDate.clear();
        for (const row of rows) {
          if (row.date < today || !scopes.isOnHand(row) || !atPlace(row.dimensions, slot.place)) continue;
          byDate.set(row.date, (byDate.get(row.date) ?? 0n) + row.quantity);
        }
        let total = 0n;
        for (const q of byDate.values()) if (q > 0n) total += q;
        scopes.futures.set(slotKey(slot.sku, slot.locationId), total);
      }
    }
    return scopes;
  }

  slot(sku: string, locationId: string): OciSlot {
    const slot = this.slots.get(slotKey(sku, locationId));
    if (!slot) throw new Error(`slot ${sku} at ${locationId} not loaded`);
    return slot;
  }

  state(slot: OciSlot): ScopeState {
    const state = this.states.get(scopeId(slot.scope));
    if (!state) throw new Error('scope not loaded');
    return state;
  }

  allStates(): ScopeState[] {
    return [...this.states.values()];
  }

  private isOnHand(row: { dataSource: string; measure: string }): boolean {
    return row.dataSource === this.measures.onHand.dataSource && row.measure === this.measures.onHand.measure;
  }

  private rowsAt(slot: OciSlot): StockRow[] {
    return [...this.state(slot).values()].filter((r) => atPlace(r.dimensions, slot.place));
  }

  /** On hand at the place: every row of the onHand measure, whatever its other dimensions. */
  onHand(slot: OciSlot): Qty {
    return this.rowsAt(slot).reduce((sum, r) => (this.isOnHand(r) ? sum + r.quantity : sum), 0n);
  }

  /** The latest count of on hand at the place (its OCI effectiveDate), or null. */
  effectiveDate(slot: OciSlot): string | null {
    let latest: string | null = null;
    for (const r of this.rowsAt(slot))
      if (this.isOnHand(r) && r.countedAt !== null && (latest === null || r.countedAt > latest))
        latest = r.countedAt;
    return latest;
  }

  reserved(slot: OciSlot): Qty {
    const { dataSource, measure } = this.measures.reserved;
    return this.rowsAt(slot).reduce(
      (sum, r) => (r.dataSource === dataSource && r.measure === measure ? sum + r.quantity : sum),
      0n,
    );
  }

  /** What groups lock at the place: one group's, or every group's. */
  locked(slot: OciSlot, groupId?: string): Qty {
    return this.rowsAt(slot).reduce(
      (sum, r) =>
        r.dataSource === OCI_SOURCE &&
        r.measure === GROUP_LOCK &&
        (groupId === undefined || r.dimensions[OCI_GROUP_DIMENSION] === groupId)
          ? sum + r.quantity
          : sum,
      0n,
    );
  }

  /** OCI atf at the place: on hand less reserved and safety stock, never below 0 (group locks not subtracted). */
  atf(slot: OciSlot): Qty {
    const safety = this.safety.get(slotKey(slot.sku, slot.locationId)) ?? 0n;
    const atf = this.onHand(slot) - this.reserved(slot) - safety;
    return atf > 0n ? atf : 0n;
  }

  /**
   * What a new promise may take at the place (ATF less the group locks): on hand less reserved, safety
   * stock and every group's lock, never below 0. With `futures`, the futures count too (ATO).
   */
  free(slot: OciSlot, futures = false): Qty {
    const safety = this.safety.get(slotKey(slot.sku, slot.locationId)) ?? 0n;
    let free = this.onHand(slot) - this.reserved(slot) - safety - this.locked(slot);
    if (futures) free += this.futures.get(slotKey(slot.sku, slot.locationId)) ?? 0n;
    return free > 0n ? free : 0n;
  }

  /** Open OCI records at the slot: location holds (`group` undefined) or one group's locks, oldest first. */
  records(slot: OciSlot, groupId?: string): ReservationRecord[] {
    const state = this.state(slot);
    const dims = groupId === undefined ? slot.place : groupDimensions(slot.place, groupId);
    const measure =
      groupId === undefined ? this.measures.reserved : { dataSource: OCI_SOURCE, measure: GROUP_LOCK };
    return state.openAt(dims, measure).filter((r) => r.reservationId.startsWith(OCI_RECORD_PREFIX));
  }
}

/** The dimensions of a group's lock rows at a place. */
export function groupDimensions(place: Dimensions, groupId: string): Dimensions {
  return canonicalDimensions([...Object.entries(place), [OCI_GROUP_DIMENSION, groupId]]);
}

/** True when a row's site and location are the place's. */
function atPlace(dims: Dimensions, place: Dimensions): boolean {
  return (
    dimensionValue(dims, SITE) === dimensionValue(place, SITE) &&
    dimensionValue(dims, LOCATION) === dimensionValue(place, LOCATION)
  );
}
