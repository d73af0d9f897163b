import type { FeedEntry } from '../feed/feed-entry.js';

/** Reads ahead a process keeps for its workers to share (each of at most READ_AHEAD entries). */
const KEPT = 4;

/**
 * The reads ahead of the webhook workers of one process (read-ahead.ts), shared: a worker that needs
 * the entries after a position that another worker has just read (or is reading) takes that read's
 * entries instead of reading and annotating them again. Subscriptions that started at the same
 * position, or caught up to one another, cross the same boundaries (each read starts where the last
 * ended), so four subscriptions behind the head read the feed once, not four times. Only a read that
 * came back full is kept: one that reached the head ends where more entries will follow. What is kept
 * is the feed itself (entries at positions, which never change); the last KEPT reads, the oldest go.
 */
export class SharedReadAhead {
  readonly #reads = new Map<string, Promise<FeedEntry[]>>();

  /**
   * The `count` entries after `after` (fewer at the head), annotated under configuration `version`: one
   * kept or in flight, else `read`'s.
   */
  async take(
    environmentId: string,
    after: number,
    count: number,
    version: number,
    read: () => Promise<FeedEntry[]>,
  ): Promise<FeedEntry[]> {
    const key = `${environmentId}\u0000${after}\u0000${count}\u0000${version}`;
    const kept = this.#reads.get(key);
    if (kept) {
      try {
        const entries = await kept;
        // A read in flight that reached the head may have begun before the entries that woke this
        // worker: only a full one is taken, else this worker reads on its own.
        if (entries.length === count) return entries;
      } catch {
        // That read failed (its worker reports it): read on our own.
      }
    }
    const reading = read();
    this.#reads.set(key, reading);
    for (const old of this.#reads.keys()) {
      if (this.#reads.size <= KEPT) break;
      this.#reads.delete(old);
    }
    const forget = () => {
      if (this.#reads.get(key) === reading) this.#reads.delete(key);
    };
    try {
      const entries = await reading;
      if (entries.length < count) forget();
      return entries;
    } catch (error) {
      forget();
      throw error;
    }
  }
}
