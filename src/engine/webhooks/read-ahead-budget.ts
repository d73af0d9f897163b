/**
 * Records the reads ahead of all the webhook workers of a process may hold at once (read-ahead.ts): an
 * entry with its availability took about 3.4 KB of heap (an on-hand change with the default published
 * measures, Node 20), so 40,000 are some 135 MB. Ten subscriptions far behind read 4,000 at a time; more
 * share what is left, each at least a delivery's worth.
 */
export const PROCESS_READ_AHEAD = 40_000;

/** The smallest read a worker is granted, whatever the budget holds: one delivery's default worth. */
export const MIN_READ = 100;

/** What the workers of one process hold of their reads ahead, within a bound. */
export class ReadAheadBudget {
  #held = 0;

  constructor(readonly max: number = PROCESS_READ_AHEAD) {}

  /** Records held now (tests, metrics). */
  get held(): number {
    return this.#held;
  }

  /** Grants up to `wanted` records, MIN_READ at least, counted until released. */
  take(wanted: number): number {
    const granted = Math.min(wanted, Math.max(MIN_READ, this.max - this.#held));
    this.#held += granted;
    return granted;
  }

  release(granted: number): void {
    this.#held = Math.max(0, this.#held - granted);
  }
}
