import { canonicalDimensions, type DigestItem } from './digest.js';

/** One availability record of a feed entry (docs/feed.md, "What an entry carries"). */
export interface AvailabilityRecord {
  readonly organizationId: string;
  readonly productId: string;
  readonly partitionId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly indexSet?: number;
  readonly quantities: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

interface Value {
  readonly dimensions: Readonly<Record<string, string>>;
  quantity: number;
}

/**
 * The values of one measure per product and level tuple, with the feed position each product reflects.
 * Pure memory, no I/O: AvailabilityCache moves it with loads, feed entries and refreshes.
 */
export class CacheState {
  readonly #values = new Map<string, Map<string, Value>>();
  /** Product → the position its values reflect (at least). */
  readonly #reflects = new Map<string, number>();

  constructor(
    private readonly dataSource: string,
    private readonly measure: string,
  ) {}

  /** Replaces everything with `rows` (a load), all reflecting `position`. */
  reset(rows: readonly DigestRowLike[], position: number): void {
    this.#values.clear();
    this.#reflects.clear();
    this.replace(rows, position);
  }

  /** Replaces the values of the products of `rows` (and of `products`, emptied first), reflecting `position`. */
  replace(rows: readonly DigestRowLike[], position: number, products: readonly string[] = []): void {
    for (const product of products) {
      this.#values.delete(product);
      this.#reflects.set(product, position);
    }
    for (const row of rows) {
      this.set(row.productId, row.dimensions, this.valueOf(row.quantities));
      this.#reflects.set(row.productId, position);
    }
  }

  /** The position the product's values reflect (0: only what the cache's position says). */
  reflects(productId: string): number {
    return this.#reflects.get(productId) ?? 0;
  }

  /** Applies one record of the entry at `position`, unless the product already reflects that position. */
  applyRecord(record: AvailabilityRecord, position: number): void {
    if (this.reflects(record.productId) >= position) return;
    this.set(record.productId, record.dimensions, this.valueOf(record.quantities));
  }

  /** Marks the product as reflecting `position` (after applying an entry's records). */
  advance(productId: string, position: number): void {
    if (this.reflects(productId) < position) this.#reflects.set(productId, position);
  }

  /** The sum of the values of a product at the tuples that match `place` (lower-case keys). */
  sum(productId: string, place: Readonly<Record<string, string>>): number {
    const values = this.#values.get(productId);
    if (values === undefined) return 0;
    const wanted = Object.entries(place).map(([k, v]) => [k.toLowerCase(), v] as const);
    let total = 0;
    for (const value of values.values()) {
      if (wanted.every(([k, v]) => (value.dimensions[k] ?? '') === v)) total += value.quantity;
    }
    return Math.round(total * 1e6) / 1e6;
  }

  /** Every value, for the digest. */
  items(): DigestItem[] {
    const items: DigestItem[] = [];
    for (const [productId, values] of this.#values) {
      for (const value of values.values()) items.push({ productId, ...value });
    }
    return items;
  }

  /** The largest position some product reflects. */
  maxReflected(): number {
    return Math.max(0, ...this.#reflects.values());
  }

  private set(productId: string, dimensions: Readonly<Record<string, string>>, quantity: number): void {
    const normal: Record<string, string> = {};
    for (const [key, value] of Object.entries(dimensions))
      if (value !== '') normal[key.toLowerCase()] = value;
    let values = this.#values.get(productId);
    if (values === undefined) {
      values = new Map();
      this.#values.set(productId, values);
    }
    values.set(canonicalDimensions(normal), { dimensions: normal, quantity });
  }

  private valueOf(quantities: DigestRowLike['quantities']): number {
    const sources = Object.entries(quantities).find(([k]) => k.toLowerCase() === this.dataSource);
    const measures = sources?.[1] ?? {};
    const found = Object.entries(measures).find(([k]) => k.toLowerCase() === this.measure);
    return Number(found?.[1] ?? 0);
  }
}

/** A query row or a record: a product, its dimensions and its quantities. */
export interface DigestRowLike {
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly quantities: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}
