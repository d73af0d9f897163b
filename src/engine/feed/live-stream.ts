import type { StreamEndCode } from '../../domain/codes.js';
import { type FeedFilter, passes } from '../../domain/feed/feed-filter.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { annotate } from './annotate.js';
import { type FeedEntry, toFeedEntry } from './feed-entry.js';
import type { FeedHubOptions, FeedSink } from './feed-sink.js';
import { stockChangesOf } from './keyed-changes.js';
import { loadScopes, ScopeCache } from './scope-states.js';
import { type Wanted, wantedBy } from './wanted.js';

/**
 * Pages a stream reads before annotating them together when it is behind the head: the scopes they
 * touch are then loaded once, not once per page (each load also takes back every entry up to the head,
 * so loading per page made a stream that fell behind fall further behind).
 */
const READ_AHEAD = 8;

export interface Follower {
  after: number;
  readonly filter: FeedFilter;
  readonly sink: FeedSink;
  readonly availability: boolean;
  /** The filter lets every entry through (no kind, product, site, location or threshold). */
  readonly everything: boolean;
  open: boolean;
  /** Its sink was told it is live (once, even when it has to catch up again). */
  told?: boolean;
}

/** The live stream of one environment: its cursor, its scope cache and the followers that have caught up. */
export class LiveStream {
  readonly #live = new Set<Follower>();
  /** Followers catching up: the live stream's reads annotate what they will need once they join. */
  readonly #joining = new Set<Follower>();
  /** Callers of sync() waiting for a read that starts after they called. */
  #waiters: Array<() => void> = [];
  readonly #cache: ScopeCache;
  #cursor = 0;
  #generation = 0;
  #pumping = false;
  #again = false;
  #stopped = false;
  /** The reads running now (the pump, followers catching up): stop() waits for them. */
  readonly #running = new Set<Promise<void>>();

  constructor(
    private readonly environmentId: string,
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly options: FeedHubOptions,
  ) {
    this.#cache = new ScopeCache(0, options.cacheScopes);
  }

  get size(): number {
    return this.#live.size;
  }

  /** Serves a new follower: it catches up on its own, then joins the live stream. */
  follow(follower: Follower): void {
    this.track(this.catchUp(follower));
  }

  /** Stops reading (followers stay as they are) and resolves once the reads in flight have ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.release(this.#waiters.splice(0));
    while (this.#running.size > 0) await Promise.all([...this.#running]);
    this.release(this.#waiters.splice(0));
  }

  private track(work: Promise<void>): void {
    this.#running.add(work);
    work.finally(() => this.#running.delete(work)).catch(() => {});
  }

  leave(follower: Follower): void {
    this.#live.delete(follower);
    this.#joining.delete(follower);
  }

  sync(): Promise<void> {
    if (this.#live.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.pump();
    });
  }

  /** Reads pages for one follower from its own position until it has reached the live stream, then joins. */
  private async catchUp(follower: Follower): Promise<void> {
    const cache = new ScopeCache(follower.after, Math.min(this.options.cacheScopes, 1000));
    this.#joining.add(follower);
    try {
      while (follower.open && !this.#stopped) {
        if (this.#live.size > 0 && follower.after >= this.#cursor) return this.join(follower);
        const page = await this.annotated(follower.after, cache, wantedBy([follower]), READ_AHEAD);
        if (!follower.open || this.#stopped) return;
        if (page.length === 0) {
          if (this.#live.size === 0) {
            this.#generation++;
            this.#cursor = follower.after;
            this.#cache.reset(follower.after);
            return this.join(follower);
          }
          // The live stream read entries this follower's read just missed: read again shortly.
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        this.deliver(follower, page);
      }
    } catch (error) {
      this.options.onError(error);
      this.close(follower, 'error');
    }
  }

  /**
   * Reads and delivers new pages to the live followers until the database has nothing more, then
   * resolves the sync() calls made before the last read started.
   */
  pump(): void {
    if (this.#live.size === 0 || this.#stopped) {
      this.release(this.#waiters.splice(0));
      return;
    }
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    this.track(
      (async () => {
        const due: Array<() => void> = [];
        try {
          do {
            this.#again = false;
            while (this.#live.size > 0 && !this.#stopped) {
              due.push(...this.#waiters.splice(0));
              const generation = this.#generation;
              // Who the read is annotated for: a follower that joins while it is in flight and was not
              // among them yet catches up once more on its own (it needs availability the read may lack).
              const served = new Set([...this.#live, ...this.#joining]);
              const wanted = wantedBy(served);
              const page = await this.annotated(this.#cursor, this.#cache, wanted, READ_AHEAD);
              if (generation !== this.#generation) {
                this.#again = true;
                break;
              }
              const last = page[page.length - 1];
              if (last) this.#cursor = last.position;
              // A copy: a follower sent back to catch up may join again at once (nothing left to read).
              for (const follower of [...this.#live]) {
                if (page.length === 0 || served.has(follower) || !follower.availability || wanted === 'all') {
                  this.deliver(follower, page);
                } else {
                  this.#live.delete(follower);
                  this.follow(follower);
                }
              }
              if (page.length < READ_AHEAD * this.options.pageSize) {
                this.release(due.splice(0));
                break;
              }
            }
          } while ((this.#again || this.#waiters.length > 0) && this.#live.size > 0 && !this.#stopped);
          this.release(due.splice(0));
        } catch (error) {
          this.options.onError(error);
          // The cache may be half-moved: start it again; the followers stay and the next wake retries.
          this.#generation++;
          this.#cache.reset(this.#cursor);
          // Stopped meanwhile: nothing will read again, so the sync() callers waiting are let go now.
          if (this.#stopped) this.release(due.splice(0));
          else {
            this.#waiters.unshift(...due.splice(0));
            setTimeout(() => this.pump(), 1000).unref();
          }
        } finally {
          this.#pumping = false;
        }
      })(),
    );
  }

  private release(waiters: Array<() => void>): void {
    for (const resolve of waiters) resolve();
  }

  private join(follower: Follower): void {
    this.#joining.delete(follower);
    this.#live.add(follower);
    if (!follower.told) follower.sink.live?.();
    follower.told = true;
    // Entries may have arrived while it caught up.
    this.pump();
  }

  /**
   * The next `pages` pages after `after` (read at once: behind the head, the scopes they touch are then
   * loaded once, with one snapshot whose later entries are mostly these, which loadScopes takes back from
   * memory), annotated with states from `cache` (which moves to their end). Only the entries `wanted`
   * accepts carry availability; with none wanted, the touched states leave the cache.
   */
  private async annotated(after: number, cache: ScopeCache, wanted: Wanted, pages = 1): Promise<FeedEntry[]> {
    const records = await this.store.feed.read(this.environmentId, after, pages * this.options.pageSize);
    const last = records[records.length - 1];
    if (!last) return [];
    if (cache.position !== after) cache.reset(after);
    if (wanted === 'none') {
      cache.advance(last.position, new Map(), records.map(stockChangesOf));
      return records.map((record) => toFeedEntry(record, []));
    }
    const config = await this.environments.get(this.environmentId);
    const { entries, states, changes } = await annotate(
      config,
      records,
      (scopes) =>
        cache.take(scopes, (missing, position) =>
          loadScopes(this.store, this.environmentId, missing, position, records),
        ),
      wanted === 'all' ? undefined : wanted,
    );
    cache.advance(last.position, states, changes);
    return entries;
  }

  private deliver(follower: Follower, page: readonly FeedEntry[]): void {
    if (!follower.open) return;
    const last = page[page.length - 1];
    // A follower without a filter that has seen none of the page takes it as it is (no copy).
    const fresh =
      follower.everything && (page[0]?.position ?? 0) > follower.after
        ? page
        : page.filter((e) => e.position > follower.after && passes(follower.filter, e));
    if (!last || last.position <= follower.after) return;
    follower.after = last.position;
    if (fresh.length > 0 && !follower.sink.push(fresh)) {
      this.close(follower, 'too_slow');
      return;
    }
    if (fresh[fresh.length - 1] !== last) follower.sink.progress?.(last.position);
  }

  private close(follower: Follower, reason: StreamEndCode): void {
    follower.open = false;
    this.#live.delete(follower);
    this.#joining.delete(follower);
    follower.sink.close(reason);
  }
}
