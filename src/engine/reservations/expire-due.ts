import type { LedgerEntry } from '../../store/store.js';
import { outcomeForLedger, success } from '../outcome.js';
import { RESERVATION_FAMILY } from './reservation-work.js';
import type { ScopeState } from './scope-state.js';

/** Releases every open reservation of the scope whose expiry has passed, one ledger entry each. */
export function expireDue(state: ScopeState, now: string, ledger: LedgerEntry[]): void {
  for (const r of [...state.reservations.values()]) {
    if (r.remaining === 0n || r.expiresAt === null || r.expiresAt > now) continue;
    state.begin();
    state.release([r], r.remaining, now, 'expired');
    ledger.push({
      environmentId: state.scope.environmentId,
      partitionId: state.scope.partitionId,
      family: RESERVATION_FAMILY,
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
