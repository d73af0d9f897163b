import { lastOfEachId, type ProductRow, productJson, toProductRecord } from '../../catalogue/product-rows.js';
import type { ProductRecord, ProductStore } from '../../catalogue/product-store.js';
import type { SqliteSideDeps } from '../side-deps.js';

/** The product catalogue on SQLite (see ProductStore). */
export class SqliteProducts implements ProductStore {
  constructor(private readonly deps: SqliteSideDeps) {}

  async upsert(environmentId: string, products: readonly ProductRecord[]): Promise<void> {
    await this.deps.write((db) => {
      const put = db.prepare(
        `INSERT INTO products (environment_id, product_id, record, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (environment_id, product_id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
      );
      db.transaction(() => {
        for (const p of lastOfEachId(products))
          put.run(environmentId, p.productId, productJson(p), p.updatedAt);
      }).immediate();
    });
  }

  async get(environmentId: string, productId: string): Promise<ProductRecord | undefined> {
    const row = this.deps
      .reader()
      .prepare<[string, string], ProductRow>(
        'SELECT product_id, record, updated_at FROM products WHERE environment_id = ? AND product_id = ?',
      )
      .get(environmentId, productId);
    return row ? toProductRecord(row) : undefined;
  }

  async list(environmentId: string, afterId: string | null, limit: number): Promise<ProductRecord[]> {
    return this.deps
      .reader()
      .prepare<[string, string, number], ProductRow>(
        `SELECT product_id, record, updated_at FROM products WHERE environment_id = ? AND product_id > ?
         ORDER BY product_id LIMIT ?`,
      )
      .all(environmentId, afterId ?? '', limit)
      .map(toProductRecord);
  }

  async delete(environmentId: string, productIds: readonly string[]): Promise<number> {
    return this.deps.write(
      (db) =>
        db
          .prepare(
            'DELETE FROM products WHERE environment_id = ? AND product_id IN (SELECT value FROM json_each(?))',
          )
          .run(environmentId, JSON.stringify(productIds)).changes,
    );
  }
}
