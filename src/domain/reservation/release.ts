import type { Qty } from '../quantity.js';

/** Something holding a remaining reserved quantity. */
export interface Holding {
  readonly reservationId: string;
  readonly remaining: Qty;
}

/** How much to take from each holding. */
export interface Release {
  readonly reservationId: string;
  readonly amount: Qty;
}

/**
 * Releases up to `quantity` from holdings in the order given (oldest first): each gives what it has
 * left, never more. `excess` is what could not be released (spec §5.4 totalInvalidOffsetQtyByReservId).
 */
export function releaseInOrder(
  holdings: readonly Holding[],
  quantity: Qty,
): { releases: Release[]; excess: Qty } {
  const releases: Release[] = [];
  let left = quantity;
  for (const holding of holdings) {
    if (left <= 0n) break;
    const amount = holding.remaining < left ? holding.remaining : left;
    if (amount <= 0n) continue;
    releases.push({ reservationId: holding.reservationId, amount });
    left -= amount;
  }
  return { releases, excess: left };
}
