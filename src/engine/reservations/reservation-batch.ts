import { OnhandError } from '../../domain/codes.js';
import type { LedgerEntry, ReservationRecord, StockRow, StoreTx } from '../../store/store.js';
import { EventRegistry } from '../event-registry.js';
import { appendAtCommit, type BatchHandler } from '../group-commit.js';
import { freshHolds } from '../oci/oci-iv-guard.js';
import { failureOf, type ItemOutcome, outcomeForLedger } from '../outcome.js';
import { withPathPrefix } from '../path-prefix.js';
import { expireDue } from './expire-due.js';
import { applyOne, eventIdOf, familyOf } from './reservation-operations.js';
import type { ReservationWork, Scope } from './reservation-work.js';
import { ScopeState } from './scope-state.js';

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
  return async (tx, batch) => {
    const now = clock().toISOString();
    const items = await freshHolds(tx, batch);
    // The scopes and the event ids are read at once: on PostgreSQL they share one round trip.
    const [states, events] = await Promise.all([
      loadScopes(tx, items, now),
      EventRegistry.load(
        tx,
        items.flatMap((w) =>
          'hash' in w
            ? [
                {
                  environmentId: w.scope.environmentId,
                  family: familyOf(w),
                  eventId: eventIdOf(w),
                  partitionId: w.scope.partitionId,
                },
              ]
            : [],
        ),
      ),
    ]);
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
        changes: [...state.changes()],
        clientId: w.clientId ?? null,
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
    await flush(tx, states.values());
    await appendAtCommit(tx, ledger);
    return outcomes;
  };
}

/**
 * Writes what every scope changed, one writeRows and one writeReservations per environment (one
 * statement each on PostgreSQL), rather than two per product.
 */
async function flush(tx: StoreTx, states: Iterable<ScopeState>): Promise<void> {
  const byEnvironment = new Map<string, { rows: StockRow[]; records: ReservationRecord[] }>();
  for (const state of states) {
    const { rows, records } = state.dirty();
    const env = state.scope.environmentId;
    const writes = byEnvironment.get(env) ?? { rows: [], records: [] };
    byEnvironment.set(env, writes);
    writes.rows.push(...rows);
    writes.records.push(...records);
  }
  for (const [env, { rows, records }] of byEnvironment) {
    if (rows.length > 0) await tx.writeRows(env, rows);
    if (records.length > 0) await tx.writeReservations(env, records);
  }
}

function idOf(w: ReservationWork): string {
  return 'hash' in w ? eventIdOf(w) : w.reservationId;
}

/** A scope's identity in the batch (ids and partition ids hold no control characters). */
function scopeKey(scope: Scope): string {
  return `${scope.environmentId}\u0000${scope.organizationId}\u0000${scope.productId}\u0000${scope.partitionId}`;
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

/** True for work that releases open reservations by dimensions, oldest first (ScopeState.openAt). */
function needsAllOpen(w: ReservationWork): boolean {
  return w.kind === 'offset' || (w.kind === 'reserve' && w.command.quantity < 0n);
}

async function loadScopes(
  tx: StoreTx,
  items: readonly ReservationWork[],
  now: string,
): Promise<Map<string, ScopeState>> {
  const wanted = new Map<string, { scope: Scope; ids: Set<string>; allOpen: boolean }>();
  for (const w of items) {
    const key = scopeKey(w.scope);
    const entry = wanted.get(key) ?? { scope: w.scope, ids: new Set<string>(), allOpen: false };
    wanted.set(key, entry);
    const named = namedReservation(w);
    if (named !== undefined) entry.ids.add(named);
    if (needsAllOpen(w)) entry.allOpen = true;
  }
  const byEnvironment = new Map<string, { scope: Scope; reservationIds: string[]; allOpen: boolean }[]>();
  for (const { scope, ids, allOpen } of wanted.values()) {
    const list = byEnvironment.get(scope.environmentId) ?? [];
    byEnvironment.set(scope.environmentId, list);
    list.push({ scope, reservationIds: [...ids], allOpen });
  }
  const states = new Map<string, ScopeState>();
  const loads = [...byEnvironment].map(([environmentId, list]) =>
    ScopeState.loadMany(tx, environmentId, list, now),
  );
  for (const loaded of await Promise.all(loads)) {
    for (const state of loaded) states.set(scopeKey(state.scope), state);
  }
  return states;
}
