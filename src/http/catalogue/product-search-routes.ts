import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MAX_FILTER_DEPTH, type ProductSearchInput } from '../../domain/catalogue/product-search.js';
import { fail } from '../../domain/codes.js';
import type { ExactQueryInput, IndexQueryInput } from '../../domain/query/parse-query.js';
import { apiVersion, type RouteDeps, requireAccess } from '../context.js';
import { paging, rowsOut } from '../routes/onhand-queries.js';
import { readOptions } from '../routes/read-options.js';
import {
  AttributeFilter,
  ProductFilter,
  ProductSearchExactQuery,
  ProductSearchIndexQuery,
} from '../schemas/catalogue.js';
import { ApiVersionHeader, EnvironmentParams, errorResponses } from '../schemas/common.js';
import { IndexQueryResult, PagingQuery, QueryResult } from '../schemas/query.js';
import { type Validator, validator } from '../validation.js';

const checkIndex = validator(ProductSearchIndexQuery);
const checkExact = validator(ProductSearchExactQuery);
const checkProductFilter = validator(ProductFilter);
const checkAttributeFilter = validator(AttributeFilter);

/**
 * Product-search queries (spec §2.7.5, #20 and #21): the index or exact query without productId, plus
 * `productSearch`; answered as the plain query for the products of the catalogue that match.
 */
export function productSearchRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const onRequest = requireAccess(deps.auth, { role: 'read' });
  const tags = ['On-hand queries'];
  const { productSearch } = deps.engine;

  app.post('/api/environment/:environmentId/onhand/productsearch/indexquery', {
    onRequest,
    schema: {
      tags,
      summary: 'Index query for the products a product search finds in the catalogue',
      params: EnvironmentParams,
      querystring: PagingQuery,
      headers: ApiVersionHeader,
      body: ProductSearchIndexQuery,
      response: { 200: IndexQueryResult, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const { asOf, productSearch: search, ...input } = checkIndex(request.body);
      const options = readOptions(request, reply, asOf);
      const env = request.environmentId;
      const query = input as IndexQueryInput;
      const found = checkedSearch(search);
      if (apiVersion(request) === 1)
        return rowsOut(await productSearch.indexQuery(env, query, found, options), false);
      const { pageNumber, pageSize } = paging(request);
      const page = await productSearch.indexQueryPage(env, query, found, pageNumber, pageSize, options);
      return {
        Value: rowsOut(page.rows, true),
        nextLink: page.hasMore
          ? `onhand/productsearch/indexquery?pageNumber=${pageNumber + 1}&pageSize=${pageSize}`
          : '',
      };
    },
  });

  app.post('/api/environment/:environmentId/onhand/productsearch/exactquery', {
    onRequest,
    schema: {
      tags,
      summary: 'Exact query for the products a product search finds in the catalogue',
      params: EnvironmentParams,
      headers: ApiVersionHeader,
      body: ProductSearchExactQuery,
      response: { 200: QueryResult, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const { asOf, productSearch: search, ...input } = checkExact(request.body);
      const rows = await productSearch.exactQuery(
        request.environmentId,
        input as ExactQueryInput,
        checkedSearch(search),
        apiVersion(request),
        readOptions(request, reply, asOf),
      );
      return rowsOut(rows, false);
    },
  });
}

/** The product search with every nested sub-filter checked against the filter schema too. */
function checkedSearch(search: { productFilter?: unknown; attributeFilter?: unknown }): ProductSearchInput {
  const nested = (filter: unknown, check: Validator<TSchema>, path: string, depth = 0): unknown => {
    if (depth >= MAX_FILTER_DEPTH)
      fail('invalid_request', path, `Sub-filters nest at most ${MAX_FILTER_DEPTH} levels deep.`);
    const checked = check(filter, path) as { subFilters?: unknown[] };
    const subFilters = checked.subFilters?.map((f, i) =>
      nested(f, check, `${path}/subFilters/${i}`, depth + 1),
    );
    return subFilters ? { ...checked, subFilters } : checked;
  };
  return {
    ...(search.productFilter === undefined
      ? {}
      : { productFilter: nested(search.productFilter, checkProductFilter, '/productSearch/productFilter') }),
    ...(search.attributeFilter === undefined
      ? {}
      : {
          attributeFilter: nested(
            search.attributeFilter,
            checkAttributeFilter,
            '/productSearch/attributeFilter',
          ),
        }),
  } as ProductSearchInput;
}
