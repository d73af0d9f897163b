import type { FeedFilter } from '../../domain/feed/feed-filter.js';
import { passes } from '../../domain/feed/feed-filter.js';
import type { Feed } from '../feed/feed.js';
import type { FeedEntry } from '../feed/feed-entry.js';
import { ScopeCache } from '../feed/scope-states.js';
import { ReadAheadBudget } from './read-ahead-budget.js';
import { SharedReadAhead } from './shared-read-ahead.js';

/** Records a subscription's worker reads (and annotates) at once: 8 of the feed's pages, as the live stream. */
export const READ_AHEAD = 4000;
/** Scope states a subscription's worker keeps between its reads of the feed. */
export const SCOPES = 1000;
/** Entries one read looks at most, whatever the filter (as Feed.read: a narrow filter costs bounded work). */
const MAX_SCAN = 10_000;

/**
 * The feed as one subscription's worker reads it: the entries after its position, up to a delivery's
 * worth that pass its filters, as Feed.read answers them, but read READ_AHEAD records at a time and
 * annotated together (Feed.readAhead), the entries not delivered yet kept for the next delivery. A worker
 * far behind the head (a burst of ingest, a receiver that was down) used to load the scopes of each
 * delivery's 100 entries, and each load read every entry up to the head: a catch-up cost grew with the
 * square of the backlog (docs/benchmarks.md, "Webhook deliveries, 2026-12-05").
 *
 * What it keeps is the feed itself (entries at positions, unfiltered, which never change), valid for
 * the position it follows: asked for another position (a redelivery, an advance refused), it starts
 * again from there. Nothing is kept that the database does not hold: the delivery state stays there.
 */
export class FeedReadAhead {
  readonly #cache = new ScopeCache(0, SCOPES);
  /** Entries read and not handed out yet, from #index on; they follow position #cursor. */
  #entries: FeedEntry[] = [];
  #index = 0;
  #cursor = -1;
  /** The position #entries follow (where the read that filled them started). */
  #from = -1;
  /** Records the budget granted the read that filled #entries (held until the next read or close()). */
  #granted = 0;
  /** The configuration version the kept entries were annotated under. */
  #version = -1;

  /**
   * `shared`: the reads ahead of the other workers of the process (shared-read-ahead.ts); `budget`: what
   * they may hold together (read-ahead-budget.ts), each read asking it for `records`.
   */
  constructor(
    private readonly records: number = READ_AHEAD,
    private readonly shared: SharedReadAhead = new SharedReadAhead(),
    private readonly budget: ReadAheadBudget = new ReadAheadBudget(),
  ) {}

  /** Lets go of the entries held (the worker stops): the budget counts them no more. */
  close(): void {
    this.drop(this.#cursor);
  }

  /**
   * Up to `limit` entries after `after` that pass `filter`, and the position to read from next (the last
   * entry looked at, matching or not; `after` when there was none), as Feed.read. Throws cursor_expired
   * when `after` is older than the retention window.
   */
  async read(
    feed: Feed,
    environmentId: string,
    after: number,
    limit: number,
    filter: FeedFilter,
  ): Promise<{ entries: FeedEntry[]; next: number }> {
    // As Feed.read: a position older than the window is refused even when its entries are kept.
    await feed.checkCursor(environmentId, after);
    // Entries kept from before a configuration update are annotated under the old one: read again.
    const version = await feed.configurationVersion(environmentId);
    if (version !== this.#version) {
      this.drop(after);
      this.#version = version;
    }
    if (this.#cursor !== after) this.seek(after);
    const entries: FeedEntry[] = [];
    let next = after;
    let filled = false;
    for (let scanned = 0; entries.length < limit && scanned < MAX_SCAN; scanned++) {
      if (this.#index >= this.#entries.length) {
        // What was kept is used up: read on, once per call (a step stays short: its lease is renewed
        // between steps), and the answer so far is the page (`next` moves past what was looked at).
        if (filled) break;
        await this.fill(feed, environmentId, version);
        filled = true;
        if (this.#entries.length === 0) break;
      }
      const entry = this.#entries[this.#index++] as FeedEntry;
      this.#cursor = entry.position;
      next = entry.position;
      if (passes(filter, entry)) entries.push(entry);
    }
    return { entries, next };
  }

  private async fill(feed: Feed, environmentId: string, version: number): Promise<void> {
    const after = this.#cursor;
    this.drop(after);
    const records = this.budget.take(this.records);
    this.#granted = records;
    try {
      this.#entries = await this.shared.take(environmentId, after, records, version, () =>
        feed.readAhead(environmentId, after, records, this.#cache),
      );
    } catch (error) {
      // The scope states may be half moved: start them again.
      this.#cache.reset(after);
      this.drop(after);
      throw error;
    }
    // Counted for what it holds: a read at the head (a few entries) leaves the rest to the others.
    this.budget.release(records - this.#entries.length);
    this.#granted = this.#entries.length;
  }

  /**
   * Moves back to `after` within the entries kept (a delivery cut short by its size ends before the last
   * entry looked at), or forgets them and starts again there.
   */
  private seek(after: number): void {
    if (after === this.#from) {
      this.#index = 0;
      this.#cursor = after;
      return;
    }
    const i = this.#entries.findIndex((entry) => entry.position === after);
    if (i < 0 || i >= this.#index) {
      this.drop(after);
      return;
    }
    this.#index = i + 1;
    this.#cursor = after;
  }

  /** Forgets the entries kept; the next read starts at `position`. */
  private drop(position: number): void {
    this.budget.release(this.#granted);
    this.#granted = 0;
    this.#entries = [];
    this.#index = 0;
    this.#cursor = position;
    this.#from = position;
  }
}
