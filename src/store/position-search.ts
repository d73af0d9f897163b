/** An entry's position and when it entered the feed. */
export interface PositionTime {
  readonly position: number;
  readonly fedAt: string;
}

/**
 * The greatest position (of one environment) whose entry entered the feed at or before `time`, or 0:
 * a binary search over positions 1…head, using `firstFrom(p)`, the environment's first entry at or after
 * position p. Feed times never decrease as positions increase, so about log2(head) lookups suffice,
 * each one index probe.
 */
export async function latestPositionAt(
  time: string,
  head: number,
  firstFrom: (position: number) => Promise<PositionTime | undefined>,
): Promise<number> {
  let [lo, hi, best] = [1, head, 0];
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const entry = await firstFrom(mid);
    if (entry !== undefined && entry.fedAt <= time) {
      best = entry.position;
      lo = entry.position + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}
