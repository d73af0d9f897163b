import type pg from 'pg';
import { lastOfEachId, type ProductRow, productJson, toProductRecord } from '../../catalogue/product-rows.js';
import type { ProductRecord, ProductStore } from '../../catalogue/product-store.js';

const UPSERT = `INSERT INTO products (environment_id, product_id, record, updated_at)
  SELECT $1, p, r::json, u FROM unnest($2::text[], $3::text[], $4::text[]) AS t(p, r, u)
  ON CONFLICT (environment_id, product_id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`;

/** The product catalogue on PostgreSQL (see ProductStore): one statement per upsert, so it is atomic. */
export class PostgresProducts implements ProductStore {
  constructor(private readonly pool: () => pg.Pool) {}

  async upsert(environmentId: string, products: readonly ProductRecord[]): Promise<void> {
    const unique = lastOfEachId(products);
    if (unique.length === 0) return;
    await this.pool().query(UPSERT, [
      environmentId,
      unique.map((p) => p.productId),
      unique.map(productJson),
      unique.map((p) => p.updatedAt),
    ]);
  }

  async get(environmentId: string, productId: string): Promise<ProductRecord | undefined> {
    const result = await this.pool().query<ProductRow>(
      'SELECT product_id, record, updated_at FROM products WHERE environment_id = $1 AND product_id = $2',
      [environmentId, productId],
    );
    const row = result.rows[0];
    return row ? toProductRecord(row) : undefined;
  }

  async list(environmentId: string, afterId: string | null, limit: number): Promise<ProductRecord[]> {
    const result = await this.pool().query<ProductRow>(
      `SELECT product_id, record, updated_at FROM products WHERE environment_id = $1 AND product_id > $2
       ORDER BY product_id LIMIT $3`,
      [environmentId, afterId ?? '', limit],
    );
    return result.rows.map(toProductRecord);
  }

  async delete(environmentId: string, productIds: readonly string[]): Promise<number> {
    const result = await this.pool().query(
      'DELETE FROM products WHERE environment_id = $1 AND product_id = ANY($2::text[])',
      [environmentId, productIds],
    );
    return result.rowCount ?? 0;
  }
}
