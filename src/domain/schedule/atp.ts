import type { Qty } from '../quantity.js';

/**
 * Available to promise over a window of days (spec §3.5). `onHand` is the ATP measure evaluated on
 * actual stock; `deltas[i]` is the measure evaluated on the changes scheduled for day i (day 0 is
 * today). The projected on-hand of day i is onHand + deltas[0] + … + deltas[i]; the ATP of day i is the
 * smallest projected on-hand from day i to the end of the window: the most that can be promised on
 * day i without making any later day negative.
 *
 * Values are not floored at zero (Onhand's decision on the spec's conflict): a negative ATP says how
 * short the plan is, and a client that only wants a quantity to promise reads anything ≤ 0 as none.
 */
export function atpSeries(onHand: Qty, deltas: readonly Qty[]): Qty[] {
  const projected: Qty[] = [];
  let running = onHand;
  for (const delta of deltas) {
    running += delta;
    projected.push(running);
  }
  const atp: Qty[] = new Array<Qty>(projected.length);
  let min: Qty | undefined;
  for (let i = projected.length - 1; i >= 0; i--) {
    const value = projected[i] as Qty;
    min = min === undefined || value < min ? value : min;
    atp[i] = min;
  }
  return atp;
}
