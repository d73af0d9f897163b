import { OnhandError } from '../../domain/codes.js';
import { dimensionsKey } from '../../domain/dimensions.js';
import { formatQty } from '../../domain/quantity.js';
import { availableAtLevel, availableToReserve } from '../../domain/reservation/availability.js';
import type { LedgerEntry } from '../../store/store.js';
import { jsonSafe } from '../event-registry.js';
import { isPlaceLevel, ociHeld } from '../oci/oci-iv-guard.js';
import { type ItemOutcome, reservationNotFound, success } from '../outcome.js';
import { checkedLevels } from './checked-levels.js';
import { FAMILY, RESERVATION_FAMILY, type ReservationWork } from './reservation-work.js';
import type { ScopeState } from './scope-state.js';

/** Reservation work of one kind. */
export type Work<K extends ReservationWork['kind']> = Extract<ReservationWork, { kind: K }>;

/** Appends the ledger entry of the item being applied (its changes are taken from the scope). */
export type Recorder = (
  w: ReservationWork,
  state: ScopeState,
  entry: Partial<LedgerEntry> & Pick<LedgerEntry, 'kind' | 'family' | 'reference' | 'outcome'>,
) => void;

export function applyOne(
  w: Exclude<ReservationWork, { kind: 'rejected' }>,
  state: ScopeState,
  now: string,
  record: Recorder,
): ItemOutcome {
  switch (w.kind) {
    case 'reserve':
      return reserve(w, state, now, record);
    case 'unreserve':
      return unreserve(w, state, now, record);
    case 'offset':
      return offset(w, state, now, record);
    case 'extend':
      return extend(w, state, now, record);
    case 'expire':
      return success(w.reservationId, 'Expired reservations of this product were released.');
  }
}

function reserve(w: Work<'reserve'>, state: ScopeState, now: string, record: Recorder): ItemOutcome {
  const c = w.command;
  if (c.quantity < 0n) {
    const { releases, excess } = state.release(state.openAt(c.dimensions, c), -c.quantity, now, 'released');
    const reservationId = releases[0]?.reservationId ?? '';
    const outcome = partial(c.eventId, reservationId, excess);
    record(w, state, {
      kind: 'reservation.release',
      family: FAMILY.reserve,
      eventId: c.eventId,
      bodyHash: w.hash,
      request: jsonSafe(c),
      outcome,
      reference: reservationId || null,
    });
    referenceOthers(w, state, releases, 'reservation.release', record);
    return outcome;
  }
  if (c.check) {
    const delta = { dataSource: c.dataSource, measure: c.measure, delta: c.quantity };
    for (const level of checkedLevels(w.config, c.dimensions)) {
      const own = Object.keys(level).length === Object.keys(c.dimensions).length;
      const at = (extra?: typeof delta) =>
        own
          ? availableToReserve(w.config, c.afr, state.values(), level, extra)
          : availableAtLevel(w.config, c.afr, state.values(), level, c.dimensions, extra);
      // At an OCI location (only there) the place's safety stock and group promises are held back too.
      const held = w.oci && isPlaceLevel(level, w.oci) ? ociHeld(state.values(), w.oci) : 0n;
      if (at(delta) - held >= 0n) continue;
      const before = at() - held;
      const where = own ? '' : ` at the coarser level [${Object.keys(level).join(', ')}]`;
      const message = `Only ${formatQty(before)} available for reservation${where} (${c.afr.dataSource}.${c.afr.measure}); ${formatQty(c.quantity)} requested.`;
      throw new OnhandError('insufficient_availability', message, [
        { code: 'insufficient_availability', path: '/quantity', message },
      ]);
    }
  }
  state.addToMeasure(c.dimensions, c.dataSource, c.measure, c.quantity);
  const { organizationId, productId, partitionId } = w.scope;
  state.putReservation({
    organizationId,
    productId,
    partitionId,
    reservationId: w.newReservationId,
    dimensions: c.dimensions,
    dataSource: c.dataSource,
    measure: c.measure,
    quantity: c.quantity,
    remaining: c.quantity,
    expiresAt: c.expiresAt,
    status: 'open',
    eventId: c.eventId,
    createdAt: w.recordedAt,
    updatedAt: now,
  });
  const extra: Record<string, unknown> = { reservationId: w.newReservationId };
  if (c.expiresAt) extra.expiresAt = c.expiresAt;
  const outcome = success(c.eventId, '', extra);
  record(w, state, {
    kind: 'reservation.reserve',
    family: FAMILY.reserve,
    eventId: c.eventId,
    bodyHash: w.hash,
    request: jsonSafe(c),
    outcome,
    reference: w.newReservationId,
  });
  return outcome;
}

function unreserve(w: Work<'unreserve'>, state: ScopeState, now: string, record: Recorder): ItemOutcome {
  const c = w.command;
  const found = state.reservations.get(c.reservationId);
  if (
    !found ||
    found.organizationId !== c.organizationId ||
    (c.productId !== undefined && found.productId !== c.productId)
  ) {
    return reservationNotFound(c.eventId, c.reservationId);
  }
  if (c.dimensions && dimensionsKey(c.dimensions) !== dimensionsKey(found.dimensions)) {
    throw mismatch(c.reservationId);
  }
  const { excess } = state.release([found], c.quantity, now, 'released');
  const outcome = partial(c.eventId, c.reservationId, excess);
  record(w, state, {
    kind: 'reservation.unreserve',
    family: FAMILY.unreserve,
    eventId: c.eventId,
    bodyHash: w.hash,
    request: jsonSafe(c),
    outcome,
    reference: c.reservationId,
  });
  return outcome;
}

function offset(w: Work<'offset'>, state: ScopeState, now: string, record: Recorder): ItemOutcome {
  const c = w.command;
  let holders = state.openAt(c.reservationDimensions);
  if (c.reservationId !== undefined) {
    const found = state.reservations.get(c.reservationId);
    if (!found) return reservationNotFound(c.change.eventId, c.reservationId);
    // The ERP transaction must carry the reservation's dimensions (spec §5.5).
    if (dimensionsKey(found.dimensions) !== dimensionsKey(c.reservationDimensions)) {
      throw mismatch(c.reservationId);
    }
    holders = [found];
  }
  for (const { dataSource, measure, value } of c.change.values) {
    state.addToMeasure(c.change.dimensions, dataSource, measure, value);
  }
  const { releases, excess } = state.release(holders, c.quantity, now, 'released');
  const reservationId = c.reservationId ?? releases[0]?.reservationId ?? '';
  const outcome = partial(c.change.eventId, reservationId, excess);
  record(w, state, {
    kind: 'reservation.offset',
    family: FAMILY.offset,
    eventId: c.change.eventId,
    bodyHash: w.hash,
    request: jsonSafe(c),
    outcome,
    reference: reservationId || null,
  });
  referenceOthers(w, state, releases, 'reservation.offset', record);
  return outcome;
}

function extend(w: Work<'extend'>, state: ScopeState, now: string, record: Recorder): ItemOutcome {
  const found = state.reservations.get(w.reservationId);
  if (!found || found.remaining === 0n) {
    throw new OnhandError(
      'reservation_closed',
      `Reservation ${w.reservationId} was already released or expired.`,
    );
  }
  const outcome = success(w.reservationId, '', { reservationId: w.reservationId, expiresAt: w.expiresAt });
  // Idempotent by its target: an extension to the expiry the reservation already has (a retry after an
  // unknown outcome, say) answers the same and changes and records nothing.
  if (found.expiresAt === w.expiresAt) return outcome;
  state.putReservation({ ...found, expiresAt: w.expiresAt, updatedAt: now });
  record(w, state, {
    kind: 'reservation.extend',
    family: RESERVATION_FAMILY,
    request: { expiresAt: w.expiresAt },
    outcome,
    reference: w.reservationId,
  });
  return outcome;
}

function mismatch(reservationId: string): OnhandError {
  const message = `The dimensions do not match those of reservation ${reservationId}.`;
  return new OnhandError('reservation_mismatch', message, [
    { code: 'reservation_mismatch', path: '/dimensions', message },
  ]);
}

/**
 * When one request released several reservations, its ledger entry references the first; each other
 * one gets a small entry of its own (no changes: they are all in the request's entry) so its history
 * shows what released it.
 */
function referenceOthers(
  w: ReservationWork,
  state: ScopeState,
  releases: readonly { reservationId: string; amount: bigint }[],
  kind: string,
  record: Recorder,
): void {
  const eventId = 'hash' in w ? eventIdOf(w) : null;
  for (const { reservationId, amount } of releases.slice(1)) {
    const outcome = success(eventId ?? reservationId, '', { reservationId, released: amount });
    record(w, state, {
      kind,
      family: RESERVATION_FAMILY,
      reference: reservationId,
      outcome,
      request: { releasedBy: eventId },
      changes: [],
    });
  }
}

/** success, or partialSuccess when part of the quantity had nothing left to release (spec §5.4). */
function partial(eventId: string, reservationId: string, excess: bigint): ItemOutcome {
  const extra = { reservationId, totalInvalidOffsetQtyByReservId: excess };
  if (excess === 0n) return success(eventId, '', extra);
  return {
    id: eventId,
    status: 'partialSuccess',
    message: `${formatQty(excess)} exceeded what was still reserved and was not released.`,
    extra,
  };
}

/** The client's event id of work that carries one. */
export function eventIdOf(w: Work<'reserve' | 'unreserve' | 'offset' | 'rejected'>): string {
  if (w.kind === 'rejected') return w.eventId;
  return w.kind === 'offset' ? w.command.change.eventId : w.command.eventId;
}

export function familyOf(w: Work<'reserve' | 'unreserve' | 'offset' | 'rejected'>): string {
  return w.kind === 'rejected' ? FAMILY[w.family] : FAMILY[w.kind];
}
