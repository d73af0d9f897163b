import type { Qty } from '../quantity.js';

/** What a reservation's state is made of at one moment. */
export interface ReservationState {
  readonly remaining: Qty;
  readonly expiresAt: string | null;
  readonly status: 'open' | 'released' | 'expired';
  readonly updatedAt: string;
}

/**
 * One step of a reservation's history, as its ledger entries tell it:
 * - `reserve`: it came into being with `quantity` and `expiresAt`;
 * - `extend`: its expiry moved to `expiresAt`;
 * - `release`: `released` of it was released exactly (expiry, or a request that released several
 *   reservations and recorded this one's part), with `expired` when expiry did it;
 * - `releaseUpTo`: a request released `total` from the reservations at its dimensions, this one first.
 *   Releases take each reservation whole before the next (domain/reservation/release.ts), so this one
 *   gave min(what it still held, total).
 */
export type ReservationStep =
  | {
      readonly kind: 'reserve';
      readonly at: string;
      readonly quantity: Qty;
      readonly expiresAt: string | null;
    }
  | { readonly kind: 'extend'; readonly at: string; readonly expiresAt: string }
  | { readonly kind: 'release'; readonly at: string; readonly released: Qty; readonly expired: boolean }
  | { readonly kind: 'releaseUpTo'; readonly at: string; readonly total: Qty };

/**
 * The reservation's state after its steps, in ledger order: what a read of it answered at the moment
 * of the last step. Undefined when the steps do not start with its reservation (it did not exist yet).
 */
export function reservationAfter(steps: readonly ReservationStep[]): ReservationState | undefined {
  const [first, ...rest] = steps;
  if (first?.kind !== 'reserve') return undefined;
  let state: ReservationState = {
    remaining: first.quantity,
    expiresAt: first.expiresAt,
    status: first.quantity > 0n ? 'open' : 'released',
    updatedAt: first.at,
  };
  for (const step of rest) {
    switch (step.kind) {
      case 'reserve':
        break;
      case 'extend':
        state = { ...state, expiresAt: step.expiresAt, updatedAt: step.at };
        break;
      case 'release':
        state = released(state, step.released, step.expired ? 'expired' : 'released', step.at);
        break;
      case 'releaseUpTo': {
        const amount = step.total < state.remaining ? step.total : state.remaining;
        state = released(state, amount, 'released', step.at);
        break;
      }
    }
  }
  return state;
}

function released(
  state: ReservationState,
  amount: Qty,
  closedAs: 'released' | 'expired',
  at: string,
): ReservationState {
  if (amount <= 0n) return state;
  const remaining = state.remaining - amount < 0n ? 0n : state.remaining - amount;
  return { ...state, remaining, status: remaining === 0n ? closedAs : 'open', updatedAt: at };
}
