import type { FastifyInstance } from 'fastify';
import type { ProductInput } from '../../domain/catalogue/product.js';
import { OnhandError } from '../../domain/codes.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { EXTENSION } from '../extension-params.js';
import { integer } from '../feed/feed-params.js';
import {
  ProductBulk,
  ProductListQuery,
  ProductLoadResult,
  ProductPage,
  ProductParams,
  ProductSchema,
} from '../schemas/catalogue.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import { validator } from '../validation.js';

const checkProducts = validator(ProductBulk);
/** Most products one load request may carry (the CLI sends them in pages of this size). */
export const MAX_PRODUCTS_PER_REQUEST = 5000;

/**
 * The product catalogue (Onhand extension, what product-search queries read): loaded in bulk by the
 * write role (the ERP integration that owns item master data), read by the read role.
 */
export function catalogueRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const tags = ['Product catalogue'];
  const { catalogue } = deps.engine;

  app.post('/api/environment/:environmentId/products/bulk', {
    onRequest: requireAccess(deps.auth, { role: 'write' }),
    config: EXTENSION,
    schema: {
      tags,
      summary: `Load products into the catalogue (extension): insert or replace, all or nothing, at most ${MAX_PRODUCTS_PER_REQUEST}`,
      params: EnvironmentParams,
      body: ProductBulk,
      response: { 200: ProductLoadResult, ...errorResponses() },
    },
    handler: async (request) => {
      if (Array.isArray(request.body) && request.body.length > MAX_PRODUCTS_PER_REQUEST) {
        throw new OnhandError(
          'too_many_items',
          `One request loads at most ${MAX_PRODUCTS_PER_REQUEST} products; this one holds ${request.body.length}.`,
        );
      }
      const products = checkProducts(request.body) as ProductInput[];
      return { loaded: await catalogue.load(request.environmentId, products) };
    },
  });

  app.get('/api/environment/:environmentId/products', {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    config: EXTENSION,
    schema: {
      tags,
      summary: 'Products of the catalogue in productId order (extension); page with after = next',
      params: EnvironmentParams,
      querystring: ProductListQuery,
      response: { 200: ProductPage, ...errorResponses() },
    },
    handler: async (request) => {
      const query = request.query as Record<string, string | string[] | undefined>;
      const limit = integer(query.limit, 100, 1, 1000, 'limit');
      const after = typeof query.after === 'string' ? query.after : null;
      const products = await catalogue.list(request.environmentId, after, limit);
      const last = products[products.length - 1];
      return { products, next: products.length === limit && last ? last.productId : null };
    },
  });

  app.get('/api/environment/:environmentId/products/:productId', {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    config: EXTENSION,
    schema: {
      tags,
      summary: 'One product of the catalogue (extension)',
      params: ProductParams,
      response: { 200: ProductSchema, ...errorResponses() },
    },
    handler: async (request) => {
      const { productId } = request.params as { productId: string };
      return catalogue.get(request.environmentId, productId);
    },
  });
}
