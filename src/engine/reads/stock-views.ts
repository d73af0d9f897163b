import type { StockRow, StockSelector, Store } from '../../store/store.js';
import type { FeedHub } from '../feed/feed-hub.js';
import type { FeedChanges } from './product-rows.js';
import { ProductRows } from './product-rows.js';
import { StockView } from './stock-view.js';

/** Told of every entry a view applies (`null`: the view lost the feed and forgot its state). */
export type EnvironmentObserver = (environmentId: string, record: FeedChanges | null) => void;

/**
 * What an availability answer must reflect (docs/storefront.md, "Consistency"):
 * - `strict` (the default): every write acknowledged before the query arrived, on any server;
 * - `bounded` (`Onhand-Consistency: bounded`): the in-memory state as it is, behind by at most the
 *   feed lag.
 * `minPosition` (`Onhand-Min-Position`) replaces the strict check by "at least this position".
 */
export type Consistency = 'strict' | 'bounded';

export interface ViewReadOptions {
  readonly consistency: Consistency;
  readonly minPosition?: number;
}

export interface StockViewsOptions {
  /** Rows kept in memory, every environment together (ONHAND_READ_CACHE_ROWS); 0 turns the views off. */
  readonly maxRows: number;
  /** How long a read waits for the view to reach what it must reflect before reading the database. */
  readonly waitMs: number;
  readonly onError: (error: unknown) => void;
}

/** The rows of an answer, the position they reflect (at least), and a stamp of their products' versions. */
export interface ViewAnswer {
  readonly rows: StockRow[];
  readonly position: number;
  /** Equal stamps for the same products mean equal rows (the answer cache keys on it). */
  readonly stamp: string;
}

/**
 * The in-memory stock of this process, one StockView per environment asked about, sharing one bound
 * on rows. A read it cannot serve (no product named, the view not live yet, a wait that timed out)
 * answers undefined and the caller reads the database, so answers are never wrong, only slower.
 */
export class StockViews {
  readonly #products: ProductRows;
  readonly #views = new Map<string, StockView>();
  readonly #observers: EnvironmentObserver[] = [];
  #stopped = false;
  /** Reads answered from memory, and reads handed to the database (metrics, tests). */
  readonly served = { memory: 0, database: 0 };

  constructor(
    private readonly store: Store,
    private readonly hub: FeedHub,
    private readonly options: StockViewsOptions,
  ) {
    this.#products = new ProductRows(options.maxRows);
  }

  /** Whether the views are on (ONHAND_READ_CACHE_ROWS above 0; off on Citus). */
  get enabled(): boolean {
    return this.options.maxRows > 0;
  }

  /** The bound on rows (other in-memory state that follows the views takes the same bound). */
  get maxRows(): number {
    return this.options.maxRows;
  }

  /**
   * Follows every entry the views apply, in order, synchronously (engine/oci/reads keeps the OCI
   * state so): after a read's consistency check, the observer has seen every entry it must reflect.
   */
  observe(observer: EnvironmentObserver): void {
    this.#observers.push(observer);
  }

  /** Rows held, every environment together (metrics, tests). */
  get rowsHeld(): number {
    return this.#products.size;
  }

  async read(
    environmentId: string,
    selector: StockSelector,
    options: ViewReadOptions,
  ): Promise<ViewAnswer | undefined> {
    const answer = await this.answer(environmentId, selector, options);
    if (answer) this.served.memory += 1;
    else this.served.database += 1;
    return answer;
  }

  private async answer(
    environmentId: string,
    selector: StockSelector,
    options: ViewReadOptions,
  ): Promise<ViewAnswer | undefined> {
    if ((selector.productIds ?? []).length === 0) return undefined;
    const view = await this.settled(environmentId, options);
    if (!view) return undefined;
    const position = view.position;
    const found = await view.rows(selector);
    return found && { rows: found.rows, stamp: found.stamp, position };
  }

  /**
   * The environment's view once it reflects what `options` ask for (the consistency check), or
   * undefined when it cannot (views off, not live yet, a wait that timed out): read the database then.
   * Its `position` then is the position an answer read from it reflects (at least).
   */
  async settled(environmentId: string, options: ViewReadOptions): Promise<StockView | undefined> {
    if (this.options.maxRows <= 0 || this.#stopped) return undefined;
    const view = this.viewOf(environmentId);
    if (!view.ready) return undefined;
    if (options.minPosition !== undefined) {
      if (view.position < options.minPosition && !(await this.within(view.catchUp()))) return undefined;
      if (view.position < options.minPosition) return undefined;
    } else if (options.consistency === 'strict') {
      // Every entry acknowledged before now gets its position (at most `head`), then the view reads up
      // to them, unless an earlier catch-up already took it past that head (nothing committed since).
      const head = await this.store.feed.settleAll(this.options.waitMs);
      if (head === undefined) return undefined;
      // A view that applied an entry at or after the head has every entry of its environment up to it.
      if (!view.reflects(head) && view.position < head) {
        if (!(await this.within(view.catchUp()))) return undefined;
        view.reflected(head);
      }
    }
    return view;
  }

  /** Stops following the feed and forgets everything (engine shutdown). */
  stop(): void {
    // Reads from here on go to the database: no view is made again (the feed is stopping too).
    this.#stopped = true;
    for (const view of this.#views.values()) view.stop();
    this.#views.clear();
  }

  private viewOf(environmentId: string): StockView {
    let view = this.#views.get(environmentId);
    if (!view) {
      const id = environmentId;
      view = new StockView(id, this.store, this.hub, this.#products, this.options.onError, (record) => {
        for (const observer of this.#observers) observer(id, record);
      });
      this.#views.set(environmentId, view);
      view.start().catch((error: unknown) => {
        this.#views.delete(environmentId);
        this.options.onError(error);
      });
    }
    return view;
  }

  /** Whether `done` settles within the wait limit. */
  private async within(done: Promise<void>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.waitMs);
    });
    try {
      return await Promise.race([done.then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
