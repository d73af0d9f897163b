import type { ProductRecord } from './product-store.js';

/** A products row as both backends return it (JSON as text). */
export interface ProductRow {
  readonly product_id: string;
  readonly record: string;
  readonly updated_at: string;
}

/** The JSON text stored for a product: every field but productId and updatedAt (columns of their own). */
export function productJson(product: ProductRecord): string {
  const { productId: _id, updatedAt: _at, ...rest } = product;
  return JSON.stringify(rest);
}

/** A stored row back to the port's shape. */
export function toProductRecord(row: ProductRow): ProductRecord {
  const rest = JSON.parse(row.record) as Omit<ProductRecord, 'productId' | 'updatedAt'>;
  return { productId: row.product_id, ...rest, updatedAt: row.updated_at };
}

/** The last product of each id, in the order given (a product given twice keeps the last one). */
export function lastOfEachId(products: readonly ProductRecord[]): ProductRecord[] {
  return [...new Map(products.map((p) => [p.productId, p])).values()];
}
