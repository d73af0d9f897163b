import { OnhandError } from '../../domain/codes.js';
import type { FeedFilter } from '../../domain/feed/feed-filter.js';
import { passes } from '../../domain/feed/feed-filter.js';
import type { SnapshotPage } from '../../store/feed-store.js';
import type { StockSelector, Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { annotate } from './annotate.js';
import type { FeedEntry } from './feed-entry.js';
import { FeedHub, type FeedSink } from './feed-hub.js';
import { loadScopes, ScopeCache } from './scope-states.js';

export interface FeedOptions {
  readonly store: Store;
  readonly environments: Environments;
  readonly clock: () => Date;
  /** How long entries are served by position (default 7 days); older cursors answer cursor_expired. */
  readonly retentionMs?: number;
  /** Scope states each environment's live stream keeps in memory (default 10,000). */
  readonly cacheScopes?: number;
  readonly onError?: (error: unknown) => void;
}

/** Entries a pull request reads at most, whatever its filter (so a narrow filter costs bounded work). */
const MAX_SCAN = 10_000;
const PAGE = 500;
/** How long a read waits for entries committed before it to get their positions. */
const SETTLE_MS = 5000;
/** How long a computed retention floor is reused. */
const FLOOR_TTL_MS = 5000;

/**
 * The change feed of the engine (docs/feed.md): reads after a position, live subscriptions through the
 * one hub of this process, the retention window, and commit tokens. Every follower (pull, SSE,
 * webhooks, the NATS relay, the in-memory availability of storefront reads, SDK caches) uses it.
 */
export class Feed {
  readonly hub: FeedHub;
  readonly #floors = new Map<string, { at: number; floor: number }>();

  constructor(private readonly options: FeedOptions) {
    this.hub = new FeedHub(options.store, options.environments, {
      pageSize: PAGE,
      cacheScopes: options.cacheScopes ?? 10_000,
      onError: options.onError ?? (() => {}),
    });
  }

  get retentionMs(): number {
    return this.options.retentionMs ?? 7 * 24 * 3600 * 1000;
  }

  /** The latest position (of the whole database). */
  head(): Promise<number> {
    return this.options.store.feed.head();
  }

  /**
   * Up to `limit` entries after `after` that pass `filter`, and the position to read from next (the
   * last entry looked at, matching or not; where it started when there was none). Throws cursor_expired
   * when `after` is older than the retention window; undefined starts at the window's beginning (after
   * the retention floor), so it never expires. A follower that reads page after page (a webhook) may
   * pass its own `cache` of scope states: when it is at `after`, its states are reused.
   */
  async read(
    environmentId: string,
    from: number | undefined,
    limit: number,
    filter: FeedFilter,
    given?: ScopeCache,
  ): Promise<{ entries: FeedEntry[]; next: number }> {
    await this.options.environments.get(environmentId);
    let after: number;
    if (from === undefined) after = await this.retentionFloor(environmentId);
    else {
      after = from;
      await this.checkCursor(environmentId, after);
    }
    const cache = given ?? new ScopeCache(after, 1000);
    // Every entry acknowledged before this request is in the answer (see Engine.ledger).
    await this.options.store.feed.settleAll(SETTLE_MS);
    const config = await this.options.environments.get(environmentId);
    if (cache.position !== after) cache.reset(after);
    // Without a filter every entry read is returned: read no more than asked for.
    const everything = isEverything(filter);
    const entries: FeedEntry[] = [];
    let next = after;
    for (let scanned = 0; entries.length < limit && scanned < MAX_SCAN; ) {
      const want = Math.min(PAGE, MAX_SCAN - scanned, everything ? limit - entries.length : PAGE);
      const records = await this.options.store.feed.read(environmentId, next, want);
      const last = records[records.length - 1];
      if (!last) break;
      const {
        entries: page,
        states,
        changes,
      } = await annotate(config, records, (scopes) =>
        cache.take(scopes, (missing, position) =>
          loadScopes(this.options.store, environmentId, missing, position),
        ),
      );
      cache.advance(last.position, states, changes);
      for (const entry of page) {
        next = entry.position;
        if (passes(filter, entry)) entries.push(entry);
        if (entries.length >= limit) break;
      }
      scanned += records.length;
      if (records.length < want) break;
    }
    return { entries, next };
  }

  /**
   * Every entry after `after`, up to `count` records read at once (no filter), annotated together: the
   * scopes they touch are loaded once, and that load takes these records back from memory, reading from
   * the database only the entries after them (as the live stream's read-ahead does). For a follower far
   * behind the head that reads page after page (a webhook, webhooks/read-ahead.ts), this replaces a load
   * per small page, each reading every entry up to the head. `cache` at `after` is reused.
   */
  async readAhead(
    environmentId: string,
    after: number,
    count: number,
    cache: ScopeCache,
  ): Promise<FeedEntry[]> {
    const { store, environments } = this.options;
    await environments.get(environmentId);
    await this.checkCursor(environmentId, after);
    await store.feed.settleAll(SETTLE_MS);
    const records = await store.feed.read(environmentId, after, count);
    // After the read: a configuration update committed meanwhile is in force for what it annotates.
    const config = await environments.get(environmentId);
    const last = records[records.length - 1];
    if (!last) return [];
    if (cache.position !== after) cache.reset(after);
    const { entries, states, changes } = await annotate(config, records, (scopes) =>
      cache.take(scopes, (missing, position) => loadScopes(store, environmentId, missing, position, records)),
    );
    cache.advance(last.position, states, changes);
    return entries;
  }

  /**
   * Follows the environment from `after` (undefined: from now on) through `sink`. Checks the cursor
   * first (cursor_expired); a position beyond the head is read as the head.
   */
  async subscribe(
    environmentId: string,
    after: number | undefined,
    filter: FeedFilter,
    sink: FeedSink,
  ): Promise<() => void> {
    await this.options.environments.get(environmentId);
    const head = await this.head();
    const from = after === undefined ? head : Math.min(after, head);
    await this.checkCursor(environmentId, from);
    return this.hub.subscribe(environmentId, from, filter, sink);
  }

  /**
   * The version of the environment's configuration in force (a follower holding entries annotated under
   * an older one reads them again).
   */
  async configurationVersion(environmentId: string): Promise<number> {
    return (await this.options.environments.get(environmentId)).version;
  }

  /** Throws cursor_expired (410) when entries after `after` have left the retention window. */
  async checkCursor(environmentId: string, after: number): Promise<void> {
    const floor = await this.retentionFloor(environmentId);
    if (after < floor) {
      throw new OnhandError(
        'cursor_expired',
        `Position ${after} is older than the feed's retention window; start again from a snapshot (GET …/snapshot).`,
      );
    }
  }

  /**
   * A consistent snapshot of the environment's stock and scheduled changes (or those `selector` picks),
   * page by page, and the position it reflects: a follower reads the feed from there.
   */
  async snapshot(
    environmentId: string,
    selector: StockSelector | null,
    onPage: (page: SnapshotPage, position: number) => Promise<void>,
  ): Promise<number> {
    await this.options.environments.get(environmentId);
    return this.options.store.feed.snapshot(environmentId, selector, onPage);
  }

  /**
   * The position by which a write answer's commit token is in the feed, waiting up to `timeoutMs` for
   * the sequencer; undefined when it is not there in time. Throws invalid_request for a malformed token.
   */
  async positionOf(token: string, timeoutMs: number): Promise<number | undefined> {
    const mark = parseCommitToken(token);
    if (mark === undefined)
      throw new OnhandError('invalid_request', 'The commit token is not one Onhand issued.');
    return this.options.store.feed.settle(mark, timeoutMs);
  }

  /**
   * The position a query's `asOf` names: a position the feed gave out, or an RFC 3339 time (the last
   * position fed at or before it). Refused when it is in the future (invalid_request) or older than the
   * retention window (cursor_expired).
   */
  async positionAsOf(environmentId: string, asOf: string): Promise<number> {
    const head = await this.options.store.feed.settleAll(SETTLE_MS);
    const latest = head ?? (await this.head());
    let position: number;
    if (/^\d{1,15}$/.test(asOf)) {
      position = Number(asOf);
      if (position > latest)
        throw asOfError(`Position ${asOf} has not been reached yet (the latest is ${latest}).`);
    } else {
      const time = parseTime(asOf);
      if (time === undefined) throw asOfError('asOf must be an RFC 3339 time or a feed position.');
      if (time > this.options.clock().getTime()) throw asOfError('asOf is in the future.');
      position = await this.options.store.feed.positionAt(environmentId, new Date(time).toISOString());
    }
    await this.checkCursor(environmentId, position);
    return position;
  }

  /** The last position whose entry left the retention window (0: none has): followers start after it. */
  async retentionFloor(environmentId: string): Promise<number> {
    const now = this.options.clock().getTime();
    const known = this.#floors.get(environmentId);
    if (known && now - known.at < FLOOR_TTL_MS) return known.floor;
    const cutoff = new Date(now - this.retentionMs).toISOString();
    const floor = await this.options.store.feed.positionAt(environmentId, cutoff);
    this.#floors.set(environmentId, { at: now, floor });
    return floor;
  }
}

/** True for a filter that passes every entry. */
function isEverything(filter: FeedFilter): boolean {
  const lists = [filter.productIds, filter.siteIds, filter.locationIds, filter.kinds];
  return lists.every((list) => list.length === 0) && filter.threshold === undefined;
}

function asOfError(message: string): OnhandError {
  return new OnhandError('invalid_request', message, [{ code: 'invalid_request', path: '/asOf', message }]);
}

/** Milliseconds of an RFC 3339 date-time (with a time zone), or undefined. */
function parseTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.test(text))
    return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

/** The commit token of a write answer (header Onhand-Commit-Token): opaque to clients. */
export function commitToken(mark: number): string {
  return `c${mark.toString(36)}`;
}

function parseCommitToken(token: string): number | undefined {
  if (!/^c[0-9a-z]{1,11}$/.test(token)) return undefined;
  const mark = Number.parseInt(token.slice(1), 36);
  return Number.isSafeInteger(mark) ? mark : undefined;
}
