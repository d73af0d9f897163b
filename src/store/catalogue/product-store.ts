import type { Product } from '../../domain/catalogue/product.js';

/**
 * The product catalogue's side of the Store port: the products of an environment with their names,
 * type and attributes, which product-search queries (spec §2.7.5) evaluate. Every backend implements it
 * and passes the conformance suite in test/store/.
 */
export interface ProductStore {
  /**
   * Inserts or replaces whole products (keyed by environment and productId), atomically: all of them
   * are stored, or none. A product id given twice keeps the last one.
   */
  upsert(environmentId: string, products: readonly ProductRecord[]): Promise<void>;
  /** One product, or undefined. */
  get(environmentId: string, productId: string): Promise<ProductRecord | undefined>;
  /**
   * A page of the products of an environment in productId order (byte order): ids greater than
   * `afterId` (null: from the start), at most `limit`.
   */
  list(environmentId: string, afterId: string | null, limit: number): Promise<ProductRecord[]>;
  /** Deletes the given products; returns how many existed. */
  delete(environmentId: string, productIds: readonly string[]): Promise<number>;
}

/** A product of the catalogue (domain/catalogue/product.ts) and when it was last loaded. */
export interface ProductRecord extends Product {
  readonly updatedAt: string;
}
