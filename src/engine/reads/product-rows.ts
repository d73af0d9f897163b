import { dimensionsKey } from '../../domain/dimensions.js';
import type { FeedRecord } from '../../store/feed-store.js';
import type { StockRow } from '../../store/store.js';

/** What the view reads of a feed entry. */
export type FeedChanges = Pick<FeedRecord, 'position' | 'kind' | 'partitionId' | 'changes'>;

/** The stored rows of one (organization, product), as of position `loadedAt` or any later one applied. */
export interface ProductEntry {
  readonly rows: Map<string, StockRow>;
  /** The position the load reflected: entries at or before it are already in `rows`. */
  readonly loadedAt: number;
  /** The position of the last change applied (loadedAt at first): equal stamps, equal rows. */
  changedAt: number;
}

/** The key of a product in the view. */
export function productKey(environmentId: string, organizationId: string, productId: string): string {
  return `${environmentId}\u0000${organizationId}\u0000${productId}`;
}

export function rowKey(row: Pick<StockRow, 'partitionId' | 'dimensions' | 'dataSource' | 'measure'>): string {
  return `${row.partitionId}\u0000${dimensionsKey(row.dimensions)}\u0000${row.dataSource}\u0000${row.measure}`;
}

/**
 * The stock rows of the products a process has been asked about, kept in memory and moved forward by
 * the change feed (engine/reads/stock-view.ts), at most `maxRows` rows in all (every environment together): the
 * products asked about least recently go first.
 */
export class ProductRows {
  readonly #products = new Map<string, ProductEntry>();
  #rows = 0;

  constructor(private readonly maxRows: number) {}

  get size(): number {
    return this.#rows;
  }

  /** The product's entry, marked as the most recently used. */
  get(key: string): ProductEntry | undefined {
    const entry = this.#products.get(key);
    if (entry) {
      this.#products.delete(key);
      this.#products.set(key, entry);
    }
    return entry;
  }

  has(key: string): boolean {
    return this.#products.has(key);
  }

  /** Keeps a loaded product (replacing what was held), then drops the least recently used beyond the bound. */
  put(key: string, entry: ProductEntry): void {
    const old = this.#products.get(key);
    if (old) this.#rows -= old.rows.size;
    this.#products.delete(key);
    this.#products.set(key, entry);
    this.#rows += entry.rows.size;
    for (const [oldest, held] of this.#products) {
      if (this.#rows <= this.maxRows || oldest === key) break;
      this.#products.delete(oldest);
      this.#rows -= held.rows.size;
    }
  }

  /** Forgets every product of an environment (a configuration change, a partition clean-up, a lost feed). */
  clear(environmentId: string): void {
    const prefix = `${environmentId}\u0000`;
    for (const [key, entry] of this.#products) {
      if (!key.startsWith(prefix)) continue;
      this.#products.delete(key);
      this.#rows -= entry.rows.size;
    }
  }

  /** Applies a feed record's stock changes to the products held that have not seen it yet. */
  apply(environmentId: string, record: FeedChanges): void {
    for (const change of record.changes) {
      if (change.date !== undefined) continue;
      const key = productKey(environmentId, change.organizationId, change.productId);
      const entry = this.#products.get(key);
      if (!entry || record.position <= entry.loadedAt) continue;
      entry.changedAt = record.position;
      if (addChange(entry.rows, record, change)) this.#rows += 1;
    }
  }
}

/** Adds one change to a product's rows; true when it created a row. */
export function addChange(
  rows: Map<string, StockRow>,
  record: Pick<FeedRecord, 'partitionId'>,
  change: FeedRecord['changes'][number],
): boolean {
  const row = { ...change, partitionId: record.partitionId };
  const key = rowKey(row);
  const held = rows.get(key);
  rows.set(key, {
    partitionId: record.partitionId,
    organizationId: change.organizationId,
    productId: change.productId,
    dimensions: change.dimensions,
    dataSource: change.dataSource,
    measure: change.measure,
    quantity: (held?.quantity ?? 0n) + change.delta,
    // Queries do not read countedAt; the view keeps what the load saw.
    countedAt: held?.countedAt ?? null,
  });
  return held === undefined;
}
