import { followFeed } from './cache-follow.js';
import { type AvailabilityRecord, CacheState, type DigestRowLike } from './cache-state.js';
import type { OnhandClient } from './client.js';
import { digestText, sha256Hex } from './digest.js';
import type { EventSourceConstructor } from './sse.js';

/** The level a cache keeps: an index set of the environment's configuration and its keys. */
export interface CacheLevel {
  /** The set's number (feed records at its level carry `indexSet`). */
  readonly indexSet: number;
  /** Its keys, as the index query groups by them (partition keys are added by the server). */
  readonly groupBy: readonly string[];
}

/** Options of an AvailabilityCache. */
export interface AvailabilityCacheOptions {
  /** A client whose key may read availability (the `availability` role is enough). */
  readonly client: OnhandClient;
  readonly organizationId: string;
  /** The products the storefront shows. */
  readonly productIds: readonly string[];
  /** Only these sites / locations (default: all). */
  readonly siteIds?: readonly string[];
  readonly locationIds?: readonly string[];
  /** Default: set 1 of the default configuration, `colorId, sizeId, styleId`. */
  readonly level?: CacheLevel;
  /** A published measure (docs/feed.md), default `iv.availabletoreserve`. */
  readonly measure?: string;
  /**
   * `fetch` (default outside browsers): the stream over fetch with the Authorization header.
   * `eventsource` (default in browsers): a single-use ticket and EventSource.
   */
  readonly transport?: 'fetch' | 'eventsource';
  /** EventSource to use for the `eventsource` transport (default the global one). */
  readonly EventSource?: EventSourceConstructor;
  /** Wait before reconnecting a dropped stream (default 500 ms). */
  readonly reconnectDelayMs?: number;
  /** Told about failures the cache recovers from (dropped streams, failed reloads). */
  readonly onError?: (error: unknown) => void;
  /** Told, synchronously, the products whose values may have changed (after a load, an entry, a refresh). */
  readonly onChange?: (productIds: ReadonlySet<string>) => void;
}

/** How far behind a cache is. */
export interface CacheStatus {
  /** The feed position the cache reflects ("0" before the first load). */
  readonly position: string;
  /** True while the stream is open. */
  readonly connected: boolean;
  /** Loads so far (the first one, and each restart after cursor_expired or a configuration update). */
  readonly loads: number;
  /** Streams opened again after a drop. */
  readonly reconnects: number;
  /** When the last entry or heartbeat arrived (ms since the epoch); undefined before any. */
  readonly lastHeardAt: number | undefined;
  /** Arrival time minus `recordedAt` of the last entry applied: the feed lag it saw (clocks permitting). */
  readonly lastEntryLagMs: number | undefined;
}

/** The outcome of verify(). */
export interface VerifyResult {
  readonly ok: boolean;
  readonly position: string;
  readonly local: string;
  readonly server: string;
}

/**
 * A storefront's availability in memory: loaded with one index query (grouped at an index set's
 * level, with the position it reflects), then moved by the change feed over SSE from that position,
 * applying the entries' `availability` records. `available()` answers synchronously. A dropped stream
 * resumes after the last position; `cursor_expired` and configuration updates load again. Positions are
 * compared as numbers, which the server guarantees (decimal strings of increasing numbers).
 */
export class AvailabilityCache {
  readonly client: OnhandClient;
  readonly options: AvailabilityCacheOptions;
  readonly level: CacheLevel;
  readonly measure: string;
  readonly #state: CacheState;
  readonly #products: ReadonlySet<string>;
  #position = 0;
  #loads = 0;
  #reconnects = 0;
  #connected = false;
  #lastHeardAt: number | undefined;
  #lastEntryLagMs: number | undefined;
  #stop: (() => void) | undefined;
  readonly #waiters = new Set<{ position: number; resolve: () => void }>();

  constructor(options: AvailabilityCacheOptions) {
    this.client = options.client;
    this.options = options;
    this.level = options.level ?? { indexSet: 1, groupBy: ['colorId', 'sizeId', 'styleId'] };
    this.measure = (options.measure ?? 'iv.availabletoreserve').toLowerCase();
    const [dataSource = '', measure = ''] = splitMeasure(this.measure);
    this.#state = new CacheState(dataSource, measure);
    this.#products = new Set(options.productIds);
  }

  /** Loads, then follows the feed in the background; resolves once the first load is in memory. */
  async start(): Promise<void> {
    if (this.#stop !== undefined) return;
    await this.load();
    this.#stop = followFeed(this, {
      onOpen: () => {
        this.#connected = true;
      },
      onClose: (reconnecting) => {
        this.#connected = false;
        if (reconnecting) this.#reconnects++;
      },
      onHeard: () => {
        this.#lastHeardAt = Date.now();
      },
    });
  }

  /** Stops following the feed (the values stay as they are). */
  stop(): void {
    this.#stop?.();
    this.#stop = undefined;
    this.#connected = false;
  }

  /**
   * The measure's value for `productId` at `place`: the sum over the level's tuples that match every
   * dimension of `place` (e.g. `{ siteId: '1', locationId: '11' }` for a store, add `colorId` for a
   * colour there; `{}` for everywhere the cache covers). 0 for what the cache does not hold.
   */
  available(productId: string, place: Readonly<Record<string, string>> = {}): number {
    return this.#state.sum(productId, place);
  }

  /** The position the cache reflects. */
  get position(): string {
    return String(this.#position);
  }

  status(): CacheStatus {
    return {
      position: this.position,
      connected: this.#connected,
      loads: this.#loads,
      reconnects: this.#reconnects,
      lastHeardAt: this.#lastHeardAt,
      lastEntryLagMs: this.#lastEntryLagMs,
    };
  }

  /** Loads every value again with one index query; the feed then continues from its position. */
  async load(): Promise<void> {
    const { rows, position } = await this.query(this.options.productIds);
    this.#state.reset(rows, position);
    this.#position = position;
    this.#loads++;
    this.#wake();
    this.options.onChange?.(this.#products);
  }

  /**
   * Reads one product again (after a write of this client, e.g. a checkout call: the query carries its
   * commit token), unless the cache already reflects as much.
   */
  async refresh(productId: string): Promise<void> {
    const { rows, position } = await this.query([productId]);
    if (Math.max(this.#position, this.#state.reflects(productId)) >= position) return;
    this.#state.replace(rows, position, [productId]);
    this.options.onChange?.(new Set([productId]));
  }

  /**
   * Applies one feed entry (the stream calls it). Returns false when the cache must load again
   * (a configuration update or a partition clean-up, whose records do not describe every value).
   */
  apply(entry: {
    position: string;
    kind: string;
    recordedAt: string;
    availability: AvailabilityRecord[];
  }): boolean {
    if (entry.kind === 'configuration.updated' || entry.kind === 'partition.cleanup') return false;
    const position = Number(entry.position);
    if (position <= this.#position) return true;
    const touched = new Set<string>();
    for (const record of entry.availability) {
      if (record.indexSet !== this.level.indexSet || !this.#covers(record)) continue;
      this.#state.applyRecord(record, position);
      touched.add(record.productId);
    }
    for (const product of touched) this.#state.advance(product, position);
    this.#position = position;
    this.#lastHeardAt = Date.now();
    this.#lastEntryLagMs = this.#lastHeardAt - Date.parse(entry.recordedAt);
    this.#wake();
    if (touched.size > 0) this.options.onChange?.(touched);
    return true;
  }

  /**
   * The feed went on to `position` with nothing the cache holds (the stream's `event: progress`: its
   * filter left the entries in between out), so the cache reflects that position too.
   */
  progressed(position: string): void {
    const at = Number(position);
    if (!(at > this.#position)) return;
    this.#position = at;
    this.#lastHeardAt = Date.now();
    this.#wake();
  }

  /** Resolves once the cache reflects `position` (rejects after `timeoutMs`). */
  waitFor(position: string, timeoutMs = 10_000): Promise<void> {
    const target = Number(position);
    if (this.#position >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        position: target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`the cache did not reach position ${position} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /**
   * Compares the cache with the server: the digest of its values at its position against the server's
   * digest as of that position (POST …/availability/digest with asOf).
   */
  async verify(): Promise<VerifyResult> {
    const ahead = this.#state.maxReflected();
    if (ahead > this.#position) await this.waitFor(String(ahead));
    const position = this.#position;
    const local = await sha256Hex(digestText(this.#state.items()));
    const { data } = await this.client.request(
      'post',
      '/api/environment/{environmentId}/availability/digest',
      {
        body: {
          organizationId: this.options.organizationId,
          productIds: [...this.options.productIds],
          ...(this.options.siteIds === undefined ? {} : { siteIds: [...this.options.siteIds] }),
          ...(this.options.locationIds === undefined ? {} : { locationIds: [...this.options.locationIds] }),
          groupBy: [...this.level.groupBy],
          measure: this.measure,
          ...(position > 0 ? { asOf: String(position) } : {}),
        },
      },
    );
    return { ok: data.digest === local, position: String(position), local, server: data.digest };
  }

  async query(productIds: readonly string[]): Promise<{ rows: DigestRowLike[]; position: number }> {
    const filters: Record<string, string[]> = {
      organizationId: [this.options.organizationId],
      productId: [...productIds],
      ...(this.options.siteIds === undefined ? {} : { siteId: [...this.options.siteIds] }),
      ...(this.options.locationIds === undefined ? {} : { locationId: [...this.options.locationIds] }),
    };
    const answer = await this.client.request('post', '/api/environment/{environmentId}/onhand/indexquery', {
      body: { filters, groupByValues: [...this.level.groupBy], returnNegative: true },
    });
    return { rows: answer.data as unknown as DigestRowLike[], position: Number(answer.position ?? 0) };
  }

  #covers(record: AvailabilityRecord): boolean {
    const { siteIds, locationIds, organizationId } = this.options;
    return (
      record.organizationId === organizationId &&
      this.#products.has(record.productId) &&
      (siteIds === undefined || siteIds.includes(record.dimensions.siteid ?? '')) &&
      (locationIds === undefined || locationIds.includes(record.dimensions.locationid ?? ''))
    );
  }

  #wake(): void {
    for (const waiter of this.#waiters) {
      if (this.#position >= waiter.position) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

function splitMeasure(measure: string): [string, string] {
  const dot = measure.indexOf('.');
  return [measure.slice(0, dot), measure.slice(dot + 1)];
}
