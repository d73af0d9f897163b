import type Database from 'better-sqlite3';

/**
 * The feed times of SQLite entries (FeedRecord.fedAt): now, or the last one given if the clock went
 * back, so feed times never decrease. The first call reads the last time the ledger holds.
 */
export class FedAtClock {
  #last: string | undefined;

  constructor(
    private readonly writer: Database.Database,
    private readonly clock: () => Date,
  ) {}

  next(): string {
    this.#last ??=
      this.writer
        .prepare<[], { at: string }>(
          'SELECT coalesce(fed_at, recorded_at) AS at FROM ledger ORDER BY seq DESC LIMIT 1',
        )
        .get()?.at ?? '';
    const now = this.clock().toISOString();
    if (now > this.#last) this.#last = now;
    return this.#last;
  }
}
