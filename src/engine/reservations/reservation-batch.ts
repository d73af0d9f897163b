import { OnhandError } from '../../domain/codes.js';
import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { canonicalDimensions, type Dimensions, dimensionsKey } from '../../domain/dimensions.js';
import { formatQty } from '../../domain/quantity.js';
import { availableAtLevel, availableToReserve } from '../../domain/reservation/availability.js';
import type { LedgerEntry, StoreTx } from '../../store/store.js';
import { EventRegistry, jsonSafe } from '../event-registry.js';
import type { BatchHandler } from '../group-commit.js';
import { failureOf, type ItemOutcome, outcomeForLedger, reservationNotFound, success } from '../outcome.js';
import { withPathPrefix } from '../path-prefix.js';
import { FAMILY, type ReservationWork, type Scope } from './reservation-work.js';
import { ScopeState } from './scope-state.js';

type Work<K extends ReservationWork['kind']> = Extract<ReservationWork, { kind: K }>;

/**
 * Applies reservation work in one transaction, in arrival order, each item checked on its own against
 * the state left by the items before it (design.md rule 1). Every scope (product and partition) is
 * loaded once; reservations whose expiry has passed are released first, so a check never counts stock
 * held by an expired cart.
 */
export function reservationBatch(
  clock: () => Date,
  report: (error: unknown) => void,
): BatchHandler<ReservationWork, ItemOutcome> {
  return async (tx, items) => {
    const now = clock().toISOString();
    const states = await loadScopes(tx, items);
    const events = await EventRegistry.load(
      tx,
      items.flatMap((w) =>
        'hash' in w
          ? [{ environmentId: w.scope.environmentId, family: familyOf(w), eventId: eventIdOf(w) }]
          : [],
      ),
    );
    const ledger: LedgerEntry[] = [];
    const record = (
      w: ReservationWork,
      state: ScopeState,
      entry: Partial<LedgerEntry> & Pick<LedgerEntry, 'kind' | 'family' | 'reference' | 'outcome'>,
    ) =>
      ledger.push({
        environmentId: w.scope.environmentId,
        partitionId: w.scope.partitionId,
        eventId: null,
        bodyHash: '',
        recordedAt: w.recordedAt,
        request: null,
        changes: state.changes(),
        ...entry,
        outcome: outcomeForLedger(entry.outcome as ItemOutcome),
      });
    for (const state of states.values()) expireDue(state, now, ledger);

    const outcomes = items.map((w): ItemOutcome => {
      const state = states.get(scopeKey(w.scope));
      if (!state) throw new Error('scope not loaded');
      if ('hash' in w) {
        const known = events.check(w.scope.environmentId, familyOf(w), eventIdOf(w), w.hash);
        if (known) return known;
      }
      if (w.kind === 'rejected') return w.outcome;
      state.begin();
      try {
        const outcome = applyOne(w, state, now, record);
        if ('hash' in w && outcome.status !== 'notFound') {
          events.remember(w.scope.environmentId, familyOf(w), eventIdOf(w), w.hash, outcome);
        }
        return outcome;
      } catch (error) {
        state.rollback();
        if (error instanceof OnhandError) return failureOf(idOf(w), withPathPrefix(error, w.path));
        // An unexpected error fails this item only, not the other requests sharing the batch.
        report(error);
        return failureOf(idOf(w), new OnhandError('internal_error'));
      }
    });
    for (const state of states.values()) await state.flush(tx);
    if (ledger.length > 0) await tx.appendLedger(ledger);
    return outcomes;
  };
}

type Recorder = (
  w: ReservationWork,
  state: ScopeState,
  entry: Partial<LedgerEntry> & Pick<LedgerEntry, 'kind' | 'family' | 'reference' | 'outcome'>,
) => void;

function applyOne(
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
      if (at(delta) >= 0n) continue;
      const before = at();
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
    createdAt: now,
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
  state.putReservation({ ...found, expiresAt: w.expiresAt, updatedAt: now });
  const outcome = success(w.reservationId, '', { reservationId: w.reservationId, expiresAt: w.expiresAt });
  record(w, state, {
    kind: 'reservation.extend',
    family: 'reservation',
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

/** Beyond this many dimensions below the partition, only the chain of coarser levels is checked. */
const MAX_SUBSET_DIMENSIONS = 8;

/**
 * The dimension levels a checked reservation must leave non-negative: its own and every coarser one,
 * i.e. every subset of its dimensions below the partition (the partition dimensions are always kept).
 * A reservation at (site, location, red, S) is therefore also checked at (site, location, red),
 * (site, location, S) and (site, location), where reservations made without a colour or without a
 * size are counted against the pooled stock (see availableAtLevel: other tuples count only with what
 * they have left, so one oversold colour does not block the others). Two reservations at levels that
 * do not contain each other (one by colour only, one by size only) can still both claim the same unit;
 * see docs/api.md. With more than MAX_SUBSET_DIMENSIONS such dimensions, only the levels obtained by
 * dropping the finest dimensions one by one along the reservation hierarchy are checked.
 */
export function checkedLevels(config: CompiledConfiguration, dims: Dimensions): Dimensions[] {
  const partition = config.partitionRule === 'byLocation' ? config.partitionKeys : [];
  const order = (d: string) => {
    const i = config.reservation.keys.indexOf(d);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const own = Object.keys(dims)
    .filter((d) => !partition.includes(d))
    .sort((a, b) => order(a) - order(b));
  const subsets: string[][] = [];
  if (own.length <= MAX_SUBSET_DIMENSIONS) {
    for (let mask = (1 << own.length) - 1; mask >= 0; mask--)
      subsets.push(own.filter((_, i) => mask & (1 << i)));
  } else {
    for (let keep = own.length; keep >= 0; keep--) subsets.push(own.slice(0, keep));
  }
  return subsets.map((subset) => {
    const kept = new Set([...partition, ...subset]);
    return canonicalDimensions(Object.entries(dims).filter(([d]) => kept.has(d)));
  });
}

/** Releases every open reservation of the scope whose expiry has passed, one ledger entry each. */
function expireDue(state: ScopeState, now: string, ledger: LedgerEntry[]): void {
  for (const r of [...state.reservations.values()]) {
    if (r.remaining === 0n || r.expiresAt === null || r.expiresAt > now) continue;
    state.begin();
    state.release([r], r.remaining, now, 'expired');
    ledger.push({
      environmentId: state.scope.environmentId,
      partitionId: state.scope.partitionId,
      family: 'reservation',
      eventId: null,
      bodyHash: '',
      kind: 'reservation.expire',
      recordedAt: now,
      request: { reservationId: r.reservationId, expiresAt: r.expiresAt },
      outcome: outcomeForLedger(
        success(r.reservationId, 'Expired.', { reservationId: r.reservationId, released: r.remaining }),
      ),
      changes: state.changes(),
      reference: r.reservationId,
    });
  }
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
    state.begin();
    const outcome = success(eventId ?? reservationId, '', { reservationId, released: amount });
    record(w, state, {
      kind,
      family: 'reservation',
      reference: reservationId,
      outcome,
      request: { releasedBy: eventId },
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

function eventIdOf(w: Work<'reserve' | 'unreserve' | 'offset' | 'rejected'>): string {
  if (w.kind === 'rejected') return w.eventId;
  return w.kind === 'offset' ? w.command.change.eventId : w.command.eventId;
}

function familyOf(w: Work<'reserve' | 'unreserve' | 'offset' | 'rejected'>): string {
  return w.kind === 'rejected' ? FAMILY[w.family] : FAMILY[w.kind];
}

function idOf(w: ReservationWork): string {
  return 'hash' in w ? eventIdOf(w) : w.reservationId;
}

function scopeKey(scope: Scope): string {
  return JSON.stringify([scope.environmentId, scope.organizationId, scope.productId, scope.partitionId]);
}

function namedReservation(w: ReservationWork): string | undefined {
  switch (w.kind) {
    case 'unreserve':
    case 'offset':
      return w.command.reservationId;
    case 'expire':
    case 'extend':
      return w.reservationId;
    default:
      return undefined;
  }
}

async function loadScopes(tx: StoreTx, items: readonly ReservationWork[]): Promise<Map<string, ScopeState>> {
  const ids = new Map<string, { scope: Scope; ids: Set<string> }>();
  for (const w of items) {
    const key = scopeKey(w.scope);
    const entry = ids.get(key) ?? { scope: w.scope, ids: new Set<string>() };
    ids.set(key, entry);
    const named = namedReservation(w);
    if (named !== undefined) entry.ids.add(named);
  }
  const states = new Map<string, ScopeState>();
  for (const [key, { scope, ids: named }] of ids)
    states.set(key, await ScopeState.load(tx, scope, [...named]));
  return states;
}
