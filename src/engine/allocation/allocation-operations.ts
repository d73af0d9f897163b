import type { AllocationCommand } from '../../domain/allocation/allocation-command.js';
import {
  ALLOCATED,
  ALLOCATION_SOURCE,
  CONSUMED,
  CUMULATIVE_ALLOCATED,
  CUMULATIVE_CONSUMED,
  type GroupPath,
  groupDimensions,
  IV_SYSTEM_SOURCE,
} from '../../domain/allocation/allocation-groups.js';
import { OnhandError } from '../../domain/codes.js';
import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { formatQty, type Qty } from '../../domain/quantity.js';
import { pooledAvailable } from '../../domain/reservation/availability.js';
import { isPlaceLevel, ociHeld } from '../oci/oci-iv-guard.js';
import { checkedLevels } from '../reservations/checked-levels.js';
import type { OciHold } from '../reservations/reservation-work.js';
import type { ScopeState } from '../reservations/scope-state.js';

/** What the item is applied as: the soft reservation a consume may create takes this id and time. */
export interface ApplyContext {
  readonly reservationId: string;
  readonly recordedAt: string;
  /** What OCI holds back at the place (only at a location of an OCI graph). */
  readonly oci?: OciHold;
}

/**
 * Applies one validated allocation write to the state of its product and partition (spec §4.4), or
 * throws an OnhandError having changed nothing it keeps (the batch rolls the item back); returns the id of the soft reservation a consume created, if any.
 * The state was loaded under the partition's write lock, so the checks see every committed write and every earlier
 * item of the batch.
 */
export function applyAllocation(
  config: CompiledConfiguration,
  c: AllocationCommand,
  state: ScopeState,
  context: ApplyContext,
): string | undefined {
  switch (c.kind) {
    case 'allocate':
      checkPool(config, c, state, context.oci);
      addKey(state, c, ALLOCATED, c.quantity);
      addKey(state, c, CUMULATIVE_ALLOCATED, c.quantity);
      addGroup(state, c, c.groups, ALLOCATED, c.quantity);
      addGroup(state, c, c.groups, CUMULATIVE_ALLOCATED, c.quantity);
      return;
    case 'unallocate':
      requireAllocated(state, c, c.groups, 'unallocate');
      addKey(state, c, ALLOCATED, -c.quantity);
      addGroup(state, c, c.groups, ALLOCATED, -c.quantity);
      return;
    case 'reallocate': {
      const source = c.sourceGroups ?? [];
      requireAllocated(state, c, source, 'reallocate');
      addGroup(state, c, source, ALLOCATED, -c.quantity);
      addGroup(state, c, c.groups, ALLOCATED, c.quantity);
      addGroup(state, c, c.groups, CUMULATIVE_ALLOCATED, c.quantity);
      return;
    }
    case 'consume':
      requireAllocated(state, c, c.groups, 'consume');
      addKey(state, c, ALLOCATED, -c.quantity);
      addKey(state, c, CONSUMED, c.quantity);
      addKey(state, c, CUMULATIVE_CONSUMED, c.quantity);
      addGroup(state, c, c.groups, ALLOCATED, -c.quantity);
      addGroup(state, c, c.groups, CONSUMED, c.quantity);
      addGroup(state, c, c.groups, CUMULATIVE_CONSUMED, c.quantity);
      return consumeMeasures(c, state, context);
  }
}

/**
 * The on-hand changes of a consume; a reserved measure is changed through a new soft reservation
 * (no expiry) at the reservation dimensions, which unreserve and offsets then release as any other.
 */
function consumeMeasures(c: AllocationCommand, state: ScopeState, context: ApplyContext): string | undefined {
  let reservationId: string | undefined;
  for (const m of c.measures) {
    if (m.reserveAt === null) {
      state.addToMeasure(c.dimensions, m.dataSource, m.measure, m.sign * c.quantity);
      continue;
    }
    state.addToMeasure(m.reserveAt, m.dataSource, m.measure, c.quantity);
    reservationId = context.reservationId;
    state.putReservation({
      reservationId,
      partitionId: c.partitionId,
      organizationId: c.organizationId,
      productId: c.productId,
      dimensions: m.reserveAt,
      dataSource: m.dataSource,
      measure: m.measure,
      quantity: c.quantity,
      remaining: c.quantity,
      expiresAt: null,
      status: 'open',
      eventId: c.eventId,
      createdAt: context.recordedAt,
      updatedAt: context.recordedAt,
    });
  }
  return reservationId;
}

/**
 * Allocate draws from the common pool: the available-to-allocate formula must stay ≥ 0 at the key's own
 * dimensions and, pooled as for reservations, at every coarser level (design.md rule 1).
 */
function checkPool(
  config: CompiledConfiguration,
  c: AllocationCommand,
  state: ScopeState,
  oci?: OciHold,
): void {
  const extra = { dataSource: IV_SYSTEM_SOURCE, measure: ALLOCATED, delta: c.quantity };
  for (const level of checkedLevels(config, c.dimensions)) {
    const own = Object.keys(level).length === Object.keys(c.dimensions).length;
    // At an OCI location the place's safety stock and group promises are held back too.
    const held = oci && isPlaceLevel(level, oci) ? ociHeld(state.values(), oci) : 0n;
    const at = (pending?: typeof extra) =>
      pooledAvailable(c.formula, state.values(), level, c.dimensions, pending, !own) - held;
    if (at(extra) >= 0n) continue;
    const where = own ? '' : ` at the coarser level [${Object.keys(level).join(', ')}]`;
    const message = `Only ${formatQty(at())} available to allocate${where}; ${formatQty(c.quantity)} requested.`;
    throw new OnhandError('insufficient_available_to_allocate', message, [
      { code: 'insufficient_available_to_allocate', path: '/quantity', message },
    ]);
  }
}

/** Unallocate, reallocate and consume never take a group below zero (spec §4.4: fail, not clamp). */
function requireAllocated(state: ScopeState, c: AllocationCommand, groups: GroupPath, verb: string): void {
  const held = state.valueOf(groupDimensions(c.dimensions, groups), ALLOCATION_SOURCE, ALLOCATED);
  if (held >= c.quantity) return;
  const field = c.kind === 'reallocate' ? '/sourceGroups' : '/quantity';
  const message = `The group [${groups.join(', ')}] holds ${formatQty(held)} allocated; cannot ${verb} ${formatQty(c.quantity)}.`;
  throw new OnhandError('insufficient_allocation', message, [
    { code: 'insufficient_allocation', path: field, message },
  ]);
}

function addKey(state: ScopeState, c: AllocationCommand, measure: string, delta: Qty): void {
  state.addToMeasure(c.dimensions, IV_SYSTEM_SOURCE, measure, delta);
}

function addGroup(
  state: ScopeState,
  c: AllocationCommand,
  groups: GroupPath,
  measure: string,
  delta: Qty,
): void {
  state.addToMeasure(groupDimensions(c.dimensions, groups), ALLOCATION_SOURCE, measure, delta);
}
