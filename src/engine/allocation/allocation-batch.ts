import type { AllocationCommand } from '../../domain/allocation/allocation-command.js';
import { OnhandError } from '../../domain/codes.js';
import type { LedgerEntry, StoreTx } from '../../store/store.js';
import { EventRegistry } from '../event-registry.js';
import type { BatchHandler } from '../group-commit.js';
import { freshHolds } from '../oci/oci-iv-guard.js';
import { failureOf, type ItemOutcome, jsonSafe, outcomeForLedger, success } from '../outcome.js';
import { withPathPrefix } from '../path-prefix.js';
import type { Scope } from '../reservations/reservation-work.js';
import { ScopeState } from '../reservations/scope-state.js';
import { applyAllocation } from './allocation-operations.js';
import type { AllocationWork } from './allocation-work.js';

/**
 * Applies allocation work in one transaction, in arrival order, each item checked on its own against
 * the state left by the items before it (design.md rule 1). Each accepted item appends one ledger entry
 * holding its exact changes (the `@iv` totals, the group rows and any on-hand change of a consume), so
 * a replay of the ledger reproduces allocation state as it reproduces stock. Known event ids replay.
 */
export function allocationBatch(report: (error: unknown) => void): BatchHandler<AllocationWork, ItemOutcome> {
  return async (tx, batch) => {
    const items = await freshHolds(tx, batch);
    const states = await loadScopes(tx, items);
    const events = await EventRegistry.load(
      tx,
      items.map((w) => ({
        environmentId: w.scope.environmentId,
        family: w.family,
        eventId: w.eventId,
        partitionId: w.scope.partitionId,
      })),
    );
    const ledger: LedgerEntry[] = [];
    const outcomes = items.map((w): ItemOutcome => {
      const known = events.check(w.scope.environmentId, w.family, w.eventId, w.hash);
      if (known) return known;
      if (w.kind === 'rejected') return w.outcome;
      const state = states.get(scopeKey(w.scope)) as ScopeState;
      state.begin();
      let reservationId: string | undefined;
      try {
        reservationId = applyAllocation(w.config, w.command, state, {
          reservationId: w.newReservationId,
          recordedAt: w.recordedAt,
          ...(w.oci ? { oci: w.oci } : {}),
        });
      } catch (error) {
        state.rollback();
        if (error instanceof OnhandError) return failureOf(w.eventId, withPathPrefix(error, w.path));
        // An unexpected error fails this item only, not the other requests sharing the batch.
        report(error);
        return failureOf(w.eventId, new OnhandError('internal_error'));
      }
      const outcome =
        reservationId === undefined ? success(w.eventId) : success(w.eventId, '', { reservationId });
      ledger.push({
        environmentId: w.scope.environmentId,
        partitionId: w.scope.partitionId,
        family: w.family,
        eventId: w.eventId,
        bodyHash: w.hash,
        kind: `allocation.${w.command.kind}`,
        recordedAt: w.recordedAt,
        request: ledgerRequest(w.command),
        outcome: outcomeForLedger(outcome),
        changes: [...state.changes()],
        // A consume that reserved is part of its reservation's history (GET …/onhand/reservations/{id}).
        reference: reservationId ?? null,
        clientId: w.clientId ?? null,
      });
      events.remember(w.scope.environmentId, w.family, w.eventId, w.hash, outcome);
      return outcome;
    });
    for (const state of states.values()) await state.flush(tx);
    if (ledger.length > 0) await tx.appendLedger(ledger);
    return outcomes;
  };
}

/** The normalised command as the ledger keeps it: quantities exact, consume modifiers by name. */
function ledgerRequest(c: AllocationCommand): unknown {
  const { formula: _formula, measures, ...rest } = c;
  return jsonSafe({
    ...rest,
    measures: measures.map((m) => ({
      dataSource: m.dataSource,
      measure: m.measure,
      modifier: m.sign > 0n ? 'addition' : 'subtraction',
    })),
  });
}

function scopeKey(scope: Scope): string {
  return JSON.stringify([scope.environmentId, scope.organizationId, scope.productId, scope.partitionId]);
}

async function loadScopes(tx: StoreTx, items: readonly AllocationWork[]): Promise<Map<string, ScopeState>> {
  const states = new Map<string, ScopeState>();
  for (const w of items) {
    if (w.kind === 'rejected') continue;
    const key = scopeKey(w.scope);
    if (!states.has(key)) states.set(key, await ScopeState.load(tx, w.scope, []));
  }
  return states;
}
