import type { ScheduleRow, StockRow, StockSelector, Store } from '../../store/store.js';
import type { FeedHub } from '../feed/feed-hub.js';
import {
  applyRecord,
  type FeedChanges,
  type ProductRows,
  type ProductTarget,
  productKey,
  rowKey,
  scheduleKey,
} from './product-rows.js';

/**
 * Told of every entry the view applies, in order, as it applies it (engine/oci/reads follows the OCI
 * entries so), and of a lost feed (`null`): what it keeps of the environment may have missed entries.
 */
export type ViewObserver = (record: FeedChanges | null) => void;

/** The rows of an answer, and a stamp of their products' versions (equal stamps, equal rows). */
export interface ViewRows {
  readonly rows: StockRow[];
  /** The products' scheduled changes (every date), when asked for. */
  readonly schedule: ScheduleRow[];
  readonly stamp: string;
}

/** Entries read per page while a newly loaded product catches up with the feed. */
const PAGE = 1000;

/** Kinds after which the view forgets an environment's products (rows were deleted or may mean something else). */
const RESETS = new Set(['partition.cleanup', 'configuration.updated']);

/**
 * The in-memory stock of one environment (docs/storefront.md, "Reads at cache speed"): the rows of the
 * products asked about, each loaded once in one snapshot read with the position it reflects, then moved
 * forward by the change feed, which the view follows as a live follower of the process's FeedHub
 * (entries without availability). `position` is the last entry applied.
 */
export class StockView {
  #position = 0;
  /** A head up to which a completed catch-up made the view reflect every entry (-1: none yet). */
  #reflected = -1;
  #ready = false;
  #stopped = false;
  #unsubscribe: (() => void) | undefined;
  readonly #loading = new Map<string, Promise<void>>();
  /** Entries applied while loads are in flight: a load applies those its own reads did not see. */
  #applied: FeedChanges[] = [];

  constructor(
    private readonly environmentId: string,
    private readonly store: Store,
    private readonly hub: FeedHub,
    private readonly products: ProductRows,
    private readonly onError: (error: unknown) => void,
    private readonly observe: ViewObserver = () => {},
  ) {}

  /** True once the view follows the feed live: before that, reads go to the database. */
  get ready(): boolean {
    return this.#ready;
  }

  get position(): number {
    return this.#position;
  }

  /**
   * Whether the view already reflects every entry up to `head` (a head every acknowledged entry was at
   * or below), because a catch-up that began after that head was reached has completed: then a strict
   * read needs no new catch-up (no commit happened since, in any process).
   */
  reflects(head: number): boolean {
    return head <= this.#reflected;
  }

  /** Records that a catch-up begun once `head` was reached has completed. */
  reflected(head: number): void {
    if (head > this.#reflected) this.#reflected = head;
  }

  /** Starts following the feed from its head. */
  async start(): Promise<void> {
    const head = await this.store.feed.head();
    if (this.#stopped) return;
    this.#position = head;
    this.#unsubscribe = this.hub.subscribe(
      this.environmentId,
      head,
      { kinds: [], productIds: [], siteIds: [], locationIds: [] },
      {
        push: (entries) => {
          for (const entry of entries) this.apply(entry);
          return true;
        },
        close: () => this.restart(),
        live: () => {
          this.#ready = true;
        },
      },
      { availability: false },
    );
  }

  stop(): void {
    this.#stopped = true;
    this.#ready = false;
    this.#unsubscribe?.();
    this.products.clear(this.environmentId);
    this.observe(null);
  }

  /** Waits until the view has applied every entry readable now (read-your-writes across servers). */
  async catchUp(): Promise<void> {
    await this.hub.sync(this.environmentId);
  }

  /**
   * The rows of `selector`'s products (organizations × products, filtered by sites and locations),
   * loading the products not held yet; undefined when the view cannot answer (a product's load met a
   * clean-up or a configuration change): read the database then.
   */
  async rows(selector: StockSelector, withSchedule = false): Promise<ViewRows | undefined> {
    const productIds = selector.productIds ?? [];
    const keys: Array<[string, string, string]> = [];
    for (const org of selector.organizationIds)
      for (const product of productIds)
        keys.push([productKey(this.environmentId, org, product), org, product]);
    const missing = keys.filter(([key]) => !this.products.has(key));
    if (missing.length > 0) await this.load(missing);
    const sites = selector.siteIds && selector.siteIds.length > 0 ? new Set(selector.siteIds) : undefined;
    const locations =
      selector.locationIds && selector.locationIds.length > 0 ? new Set(selector.locationIds) : undefined;
    const out: StockRow[] = [];
    const schedule: ScheduleRow[] = [];
    const picked = (row: StockRow | ScheduleRow) =>
      (!sites || sites.has(row.dimensions.siteid ?? '')) &&
      (!locations || locations.has(row.dimensions.locationid ?? ''));
    let stamp = '';
    for (const [key] of keys) {
      const entry = this.products.get(key);
      if (!entry) return undefined;
      stamp += `${entry.changedAt},`;
      for (const row of entry.rows.values()) if (picked(row)) out.push(row);
      if (withSchedule) for (const row of entry.schedule.values()) if (picked(row)) schedule.push(row);
    }
    return { rows: out, schedule, stamp };
  }

  private apply(record: FeedChanges): void {
    if (record.position <= this.#position) return;
    this.#position = record.position;
    if (this.#loading.size > 0) this.#applied.push(record);
    if (RESETS.has(record.kind)) this.products.clear(this.environmentId);
    else this.products.apply(this.environmentId, record);
    this.observe(record);
  }

  private restart(): void {
    this.#ready = false;
    this.#reflected = -1;
    this.#unsubscribe = undefined;
    this.products.clear(this.environmentId);
    this.observe(null);
    if (this.#stopped) return;
    setTimeout(() => this.start().catch(this.onError), 100).unref();
  }

  /** Loads products in one snapshot, catches them up with the feed, and keeps them. */
  private async load(missing: ReadonlyArray<[string, string, string]>): Promise<void> {
    const waits: Promise<void>[] = [];
    const fresh: Array<[string, string, string]> = [];
    for (const item of missing) {
      const pending = this.#loading.get(item[0]);
      if (pending) waits.push(pending);
      else fresh.push(item);
    }
    if (fresh.length > 0) {
      const loading = this.loadFresh(fresh);
      for (const [key] of fresh) this.#loading.set(key, loading);
      waits.push(
        loading.finally(() => {
          for (const [key] of fresh) this.#loading.delete(key);
          if (this.#loading.size === 0) this.#applied = [];
        }),
      );
    }
    await Promise.all(waits);
  }

  private async loadFresh(items: ReadonlyArray<[string, string, string]>): Promise<void> {
    const loaded = new Map<string, ProductTarget>(
      items.map(([key]) => [key, { rows: new Map(), schedule: new Map() }]),
    );
    const target = (org: string, product: string) => loaded.get(productKey(this.environmentId, org, product));
    const selector = {
      organizationIds: [...new Set(items.map(([, org]) => org))],
      productIds: [...new Set(items.map(([, , product]) => product))],
    };
    let at = await this.store.feed.snapshot(this.environmentId, selector, async ({ stock, schedule }) => {
      for (const row of stock) target(row.organizationId, row.productId)?.rows.set(rowKey(row), row);
      for (const row of schedule)
        target(row.organizationId, row.productId)?.schedule.set(scheduleKey(row), row);
    });
    // The view may have moved past the snapshot while it was read: bring the rows up to where the
    // feed is now, so that entries the view applies later (positions after `at`) are the only ones left.
    for (;;) {
      const page = await this.store.feed.read(this.environmentId, at, PAGE);
      for (const record of page) {
        if (RESETS.has(record.kind)) return;
        applyRecord(record, target);
        at = record.position;
      }
      if (page.length < PAGE) break;
    }
    if (this.#stopped) return;
    // Entries the view applied while this load read: those after what the load saw are added here.
    for (const record of this.#applied) {
      if (record.position <= at) continue;
      if (RESETS.has(record.kind)) return;
      applyRecord(record, target);
    }
    const loadedAt = Math.max(at, this.#position);
    for (const [key, { rows, schedule }] of loaded)
      this.products.put(key, { rows, schedule, loadedAt, changedAt: loadedAt });
  }
}
