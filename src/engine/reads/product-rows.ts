import { countIsStale } from '../../domain/apply-onhand.js';
import { dimensionsKey } from '../../domain/dimensions.js';
import type { FeedRecord } from '../../store/feed-store.js';
import type { ScheduleRow, StockRow } from '../../store/store.js';

/**
 * What the view reads of a feed entry: its changes, and its request (a count's time, the OCI entries'
 * safety stock and segmentation changes: engine/oci/reads).
 */
export type FeedChanges = Pick<FeedRecord, 'position' | 'kind' | 'partitionId' | 'changes'> & {
  readonly request?: unknown;
};

/** The stored rows of one (organization, product), as of position `loadedAt` or any later one applied. */
export interface ProductEntry {
  readonly rows: Map<string, StockRow>;
  /** Its scheduled changes (every date), by rowKey and date (OCI futures read them). */
  readonly schedule: Map<string, ScheduleRow>;
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
    if (old) this.#rows -= sizeOf(old);
    this.#products.delete(key);
    this.#products.set(key, entry);
    this.#rows += sizeOf(entry);
    for (const [oldest, held] of this.#products) {
      if (this.#rows <= this.maxRows || oldest === key) break;
      this.#products.delete(oldest);
      this.#rows -= sizeOf(held);
    }
  }

  /** Forgets every product of an environment (a configuration change, a partition clean-up, a lost feed). */
  clear(environmentId: string): void {
    const prefix = `${environmentId}\u0000`;
    for (const [key, entry] of this.#products) {
      if (!key.startsWith(prefix)) continue;
      this.#products.delete(key);
      this.#rows -= sizeOf(entry);
    }
  }

  /** Applies a feed record's stock changes to the products held that have not seen it yet. */
  apply(environmentId: string, record: FeedChanges): void {
    this.#rows += applyRecord(record, (org, product) => {
      const entry = this.#products.get(productKey(environmentId, org, product));
      if (!entry || record.position <= entry.loadedAt) return undefined;
      entry.changedAt = record.position;
      return entry;
    });
  }
}

function sizeOf(entry: Pick<ProductEntry, 'rows' | 'schedule'>): number {
  return entry.rows.size + entry.schedule.size;
}

/** Where applyRecord puts a product's changes. */
export type ProductTarget = Pick<ProductEntry, 'rows' | 'schedule'>;

/**
 * Applies one feed record to the products `target` gives (undefined: not held, or already past it):
 * its stock and scheduled changes, and a count's time on the measures it counted (applyOnHand's rule,
 * so the OCI effectiveDate follows). Answers the number of rows it created.
 */
export function applyRecord(
  record: FeedChanges,
  target: (organizationId: string, productId: string) => ProductTarget | undefined,
): number {
  let created = 0;
  for (const change of record.changes) {
    const entry = target(change.organizationId, change.productId);
    if (!entry) continue;
    if (
      change.date === undefined ? addChange(entry.rows, record, change) : addScheduled(entry, record, change)
    )
      created += 1;
  }
  if (record.kind === 'onhand.set') applyCount(record, target);
  return created;
}

interface CountRequest {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: readonly { dataSource: string; measure: string }[];
  readonly countedAt: string | null;
}

/** A count remembers its time on each measure it applied to (a stale count leaves the measure alone). */
function applyCount(
  record: FeedChanges,
  target: (organizationId: string, productId: string) => ProductTarget | undefined,
): void {
  const count = record.request as CountRequest | undefined;
  if (!count || !Array.isArray(count.values) || typeof count.dimensions !== 'object') return;
  const entry = target(count.organizationId, count.productId);
  if (!entry) return;
  for (const { dataSource, measure } of count.values) {
    const key = rowKey({
      partitionId: record.partitionId,
      dimensions: count.dimensions,
      dataSource,
      measure,
    });
    const held = entry.rows.get(key);
    if (!held || countIsStale(held.countedAt, count.countedAt)) continue;
    entry.rows.set(key, { ...held, countedAt: count.countedAt });
  }
}

/** The key of a scheduled value in a product's `schedule`. */
export function scheduleKey(row: Parameters<typeof rowKey>[0] & { readonly date: string }): string {
  return `${rowKey(row)}\u0000${row.date}`;
}

function addScheduled(
  entry: ProductTarget,
  record: Pick<FeedRecord, 'partitionId'>,
  change: FeedRecord['changes'][number] & { date?: string },
): boolean {
  const date = change.date ?? '';
  const key = scheduleKey({ ...change, partitionId: record.partitionId, date });
  const held = entry.schedule.get(key);
  entry.schedule.set(key, {
    partitionId: record.partitionId,
    organizationId: change.organizationId,
    productId: change.productId,
    dimensions: change.dimensions,
    dataSource: change.dataSource,
    measure: change.measure,
    date,
    quantity: (held?.quantity ?? 0n) + change.delta,
  });
  return held === undefined;
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
    // Changes keep the count's time; a count's entry sets it (applyCount).
    countedAt: held?.countedAt ?? null,
  });
  return held === undefined;
}
