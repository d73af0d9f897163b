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

/** One attribute of a product (spec §2.7.5: attributeName, attributeTypeName, attributeArea). */
export interface ProductAttribute {
  readonly attributeName: string;
  readonly attributeTypeName: string;
  /** ProductAttribute, DimensionAttribute or BatchAttribute. */
  readonly attributeArea: string;
  /** The attribute's value, as text (numbers compare as numbers when both sides are numeric). */
  readonly value: string;
}

/** A product of the catalogue: the fields the product filter of a product search can test. */
export interface ProductRecord {
  /** The product id of stock and queries (the item number). */
  readonly productId: string;
  readonly productName: string;
  readonly productType: string;
  readonly productSearchName: string;
  readonly productDescription: string;
  /** The legal entity (company) the product belongs to; "" when not given. */
  readonly company: string;
  readonly inventoryUnitSymbol: string;
  readonly salesUnitSymbol: string;
  readonly purchaseUnitSymbol: string;
  readonly attributes: readonly ProductAttribute[];
  readonly updatedAt: string;
}
