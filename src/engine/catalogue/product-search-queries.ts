import { type ProductSearchInput, parseProductSearch } from '../../domain/catalogue/product-search.js';
import { fail } from '../../domain/codes.js';
import type { Page } from '../../domain/query/paging.js';
import type { ExactQueryInput, IndexQueryInput } from '../../domain/query/parse-query.js';
import type { OnHandRow } from '../../domain/query/query-plan.js';
import type { QueryOptions } from '../queries/query-runner.js';
import type { Catalogue } from './catalogue.js';

/** The queries a product search hands its products to (Engine's). */
export interface SearchedQueries {
  indexQuery(environmentId: string, input: IndexQueryInput, options?: QueryOptions): Promise<OnHandRow[]>;
  indexQueryPage(
    environmentId: string,
    input: IndexQueryInput,
    pageNumber: number,
    pageSize: number,
    options?: QueryOptions,
  ): Promise<Page>;
  exactQuery(
    environmentId: string,
    input: ExactQueryInput,
    version: 1 | 2,
    options?: QueryOptions,
  ): Promise<OnHandRow[]>;
}

/**
 * Product-search queries (spec §2.7.5, #20 and #21): the ProductAttributeQuery picks products from the
 * catalogue, then the index or exact query runs for exactly those products and answers as it would
 * with their ids in `filters.productId`. No matching product: no rows. The query's own limits apply to
 * the products found (query_limit_exceeded when the search matches more products than a query may name).
 */
export class ProductSearchQueries {
  constructor(
    private readonly catalogue: Catalogue,
    private readonly queries: SearchedQueries,
  ) {}

  async indexQuery(
    environmentId: string,
    input: IndexQueryInput,
    search: ProductSearchInput,
    options?: QueryOptions,
  ): Promise<OnHandRow[]> {
    const ids = await this.products(environmentId, input.filters, search);
    if (ids.length === 0) return [];
    return this.queries.indexQuery(environmentId, withProducts(input, ids), options);
  }

  async indexQueryPage(
    environmentId: string,
    input: IndexQueryInput,
    search: ProductSearchInput,
    pageNumber: number,
    pageSize: number,
    options?: QueryOptions,
  ): Promise<Page> {
    const ids = await this.products(environmentId, input.filters, search);
    if (ids.length === 0) return { rows: [], hasMore: false };
    return this.queries.indexQueryPage(
      environmentId,
      withProducts(input, ids),
      pageNumber,
      pageSize,
      options,
    );
  }

  async exactQuery(
    environmentId: string,
    input: ExactQueryInput,
    search: ProductSearchInput,
    version: 1 | 2,
    options?: QueryOptions,
  ): Promise<OnHandRow[]> {
    const ids = await this.products(environmentId, input.filters, search);
    if (ids.length === 0) return [];
    return this.queries.exactQuery(
      environmentId,
      { ...input, filters: { ...input.filters, productId: ids } },
      version,
      options,
    );
  }

  private async products(
    environmentId: string,
    filters: object,
    search: ProductSearchInput,
  ): Promise<string[]> {
    const given = Object.keys(filters).find((k) => k.toLowerCase() === 'productid');
    if (given !== undefined) {
      fail(
        'productid_with_product_search',
        `/filters/${given}`,
        'Remove productId: the products come from productSearch.',
      );
    }
    const matches = parseProductSearch(search, '/productSearch');
    return this.catalogue.search(environmentId, matches);
  }
}

function withProducts(input: IndexQueryInput, ids: string[]): IndexQueryInput {
  return { ...input, filters: { ...input.filters, productId: ids } };
}
