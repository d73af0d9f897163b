import { type ProductInput, parseProduct } from '../../domain/catalogue/product.js';
import type { ProductPredicate } from '../../domain/catalogue/product-search.js';
import { detail, type ErrorDetail, OnhandError } from '../../domain/codes.js';
import type { ProductRecord } from '../../store/catalogue/product-store.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';

/** Products read per page when a product search walks the catalogue. */
const SEARCH_PAGE = 1000;

/**
 * The product catalogue of each environment (what product-search queries evaluate): loaded in bulk,
 * read back by id or page, searched with a compiled ProductAttributeQuery.
 */
export class Catalogue {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly clock: () => Date,
  ) {}

  /**
   * Loads products (inserting new ones, replacing existing ones whole), all or nothing: when any product
   * is invalid, nothing is stored and the error lists every bad field (paths `/i/field`). Returns how
   * many products were loaded.
   */
  async load(environmentId: string, inputs: readonly ProductInput[], basePath = ''): Promise<number> {
    await this.environments.get(environmentId);
    const problems: ErrorDetail[] = [];
    const updatedAt = this.clock().toISOString();
    const products: ProductRecord[] = [];
    inputs.forEach((input, i) => {
      try {
        products.push({ ...parseProduct(input, `${basePath}/${i}`), updatedAt });
      } catch (error) {
        if (!(error instanceof OnhandError)) throw error;
        problems.push(...error.details);
      }
    });
    if (problems.length > 0) {
      const first = problems[0] ?? detail('invalid_request', basePath, 'Invalid product.');
      throw new OnhandError(
        first.code,
        `${problems.length} problem(s) in the products; nothing was loaded. First: ${first.path}: ${first.message}`,
        problems.slice(0, 50),
      );
    }
    await this.store.products.upsert(environmentId, products);
    return products.length;
  }

  /** One product, or product_not_found. */
  async get(environmentId: string, productId: string): Promise<ProductRecord> {
    await this.environments.get(environmentId);
    const product = await this.store.products.get(environmentId, productId);
    if (!product) throw new OnhandError('product_not_found', `No product "${productId}" in the catalogue.`);
    return product;
  }

  /** A page of products in id order after `afterId`. */
  async list(environmentId: string, afterId: string | null, limit: number): Promise<ProductRecord[]> {
    await this.environments.get(environmentId);
    return this.store.products.list(environmentId, afterId, limit);
  }

  /** The ids of the products that match, in id order (the whole catalogue is read, page by page). */
  async search(environmentId: string, matches: ProductPredicate): Promise<string[]> {
    await this.environments.get(environmentId);
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.store.products.list(environmentId, after, SEARCH_PAGE);
      for (const product of page) if (matches(product)) ids.push(product.productId);
      if (page.length < SEARCH_PAGE) return ids;
      after = page[page.length - 1]?.productId ?? null;
    }
  }
}
