import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../support/harness.js';

/**
 * The product catalogue (extension) and the product-search queries that read it (spec §2.7.5, #20 and
 * #21). Runs on SQLite, and on PostgreSQL in the api-on-postgres project.
 */

const BASE = '/api/environment/shop';

const PRODUCTS = [
  {
    productId: 'Bike-1000',
    productName: 'Deluxe touring bike',
    productType: 'Item',
    attributes: [
      {
        attributeName: 'Weight Limit',
        attributeTypeName: 'PoundDomain',
        attributeArea: 'ProductAttribute',
        value: 370,
      },
    ],
  },
  {
    productId: 'Bike-2000',
    productName: 'Deluxe city bike',
    productType: 'Item',
    attributes: [
      {
        attributeName: 'Weight Limit',
        attributeTypeName: 'PoundDomain',
        attributeArea: 'ProductAttribute',
        value: '300',
      },
    ],
  },
  {
    productId: 'Bike-3000',
    productName: 'Basic bike',
    productType: 'Item',
    attributes: [
      {
        attributeName: 'Weight Limit',
        attributeTypeName: 'PoundDomain',
        attributeArea: 'ProductAttribute',
        value: 400,
      },
    ],
  },
  { productId: 'Service-1', productName: 'Deluxe assembly', productType: 'Service' },
];

describe('the product catalogue and product search', () => {
  let h: Harness;
  let reader: string;

  beforeAll(async () => {
    h = await startHarness({ environments: ['shop', 'other'] });
    reader = await h.tokenWithRole(['shop'], 'read');
    for (const [i, productId] of ['Bike-1000', 'Bike-2000', 'Bike-3000', 'Service-1', 'Unlisted'].entries()) {
      for (const siteId of ['1', '2']) {
        const res = await h.request('POST', `${BASE}/onhand`, {
          id: `seed-${productId}-${siteId}`,
          organizationId: 'usmf',
          productId,
          dimensions: { siteId, locationId: '11', colorId: 'red' },
          quantities: { pos: { inbound: 10 * (i + 1) + Number(siteId) } },
        });
        expect(res.statusCode, res.body).toBe(200);
      }
    }
  });
  afterAll(() => h?.close());

  const load = (body: unknown, token?: string) =>
    h.request('POST', `${BASE}/products/bulk`, body, token === undefined ? {} : { token });

  it('loads products in bulk, all or nothing, and reads them back by page and by id', async () => {
    const bad = await load([
      PRODUCTS[0],
      { productId: '' },
      { productId: 'x', attributes: [{ attributeName: 'a', attributeArea: 'Nowhere', value: 1 }] },
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { path: string }) => d.path)).toEqual([
      '/1/productId',
      '/2/attributes/0/attributeArea',
    ]);
    expect((await h.request('GET', `${BASE}/products`)).json()).toEqual({ products: [], next: null });
    expect((await load(PRODUCTS, reader)).statusCode).toBe(403);

    const ok = await load(PRODUCTS);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ loaded: 4 });
    const page = await h.request('GET', `${BASE}/products?limit=3`, undefined, { token: reader });
    expect(page.json().products.map((p: { productId: string }) => p.productId)).toEqual([
      'Bike-1000',
      'Bike-2000',
      'Bike-3000',
    ]);
    expect(page.json().next).toBe('Bike-3000');
    const rest = await h.request('GET', `${BASE}/products?after=Bike-3000&limit=3`);
    expect(rest.json()).toMatchObject({
      products: [{ productId: 'Service-1', productType: 'Service', attributes: [] }],
      next: null,
    });
    const one = await h.request('GET', `${BASE}/products/Bike-1000`);
    expect(one.json()).toMatchObject({
      productId: 'Bike-1000',
      productName: 'Deluxe touring bike',
      company: '',
      attributes: [
        {
          attributeName: 'Weight Limit',
          attributeTypeName: 'PoundDomain',
          attributeArea: 'ProductAttribute',
          value: '370',
        },
      ],
    });
    expect((await h.request('GET', `${BASE}/products/nope`)).json()).toMatchObject({
      code: 'product_not_found',
    });
    expect((await h.request('GET', '/api/environment/other/products')).json().products).toEqual([]);
  });

  const indexQuery = (productSearch: unknown, extra: Record<string, unknown> = {}) =>
    h.request(
      'POST',
      `${BASE}/onhand/productsearch/indexquery`,
      {
        productSearch,
        filters: { organizationId: ['usmf'], siteId: ['1'], locationId: ['11'] },
        groupByValues: ['colorId'],
        ...extra,
      },
      { token: reader },
    );
  const plainIndexQuery = (productId: string[]) =>
    h.request('POST', `${BASE}/onhand/indexquery`, {
      filters: { organizationId: ['usmf'], productId, siteId: ['1'], locationId: ['11'] },
      groupByValues: ['colorId'],
    });

  it('answers an index query for exactly the products the product and attribute filters find', async () => {
    const search = {
      productFilter: {
        logicalOperator: 'And',
        conditions: [{ conditionOperator: 'Contains', productName: ['deluxe'] }],
        subFilters: [{ conditions: [{ conditionOperator: 'IsExactly', productType: ['Item'] }] }],
      },
      attributeFilter: {
        logicalOperator: 'Or',
        conditions: [
          {
            attributeName: 'Weight Limit',
            attributeTypeName: 'PoundDomain',
            attributeArea: ' ProductAttribute',
            attributeValues: ['370'],
            conditionOperator: 'GreaterEqual',
          },
        ],
        subFilters: [
          {
            conditions: [
              { attributeName: 'Weight Limit', attributeValues: ['330'], conditionOperator: 'LessEqual' },
            ],
          },
        ],
      },
    };
    const res = await indexQuery(search);
    expect(res.statusCode, res.body).toBe(200);
    const expected = await plainIndexQuery(['Bike-1000', 'Bike-2000']);
    expect(res.json()).toEqual(expected.json());
    expect(
      res
        .json()
        .map((r: { productId: string }) => r.productId)
        .sort(),
    ).toEqual(['Bike-1000', 'Bike-2000']);

    const between = await indexQuery({
      attributeFilter: {
        conditions: [
          { attributeName: 'weight limit', attributeValues: ['350', '450'], conditionOperator: 'Between' },
        ],
      },
    });
    expect(between.json()).toEqual((await plainIndexQuery(['Bike-1000', 'Bike-3000'])).json());
    const services = await indexQuery({
      productFilter: { conditions: [{ conditionOperator: 'IsNot', productType: ['item'] }] },
    });
    expect(services.json()).toEqual((await plainIndexQuery(['Service-1'])).json());
  });

  it('answers no rows when no product matches, and refuses productId filters and bad conditions', async () => {
    const none = await indexQuery({
      productFilter: { conditions: [{ conditionOperator: 'BeginsWith', itemNumber: ['Car'] }] },
    });
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual([]);
    const paged = await h.request(
      'POST',
      `${BASE}/onhand/productsearch/indexquery`,
      {
        productSearch: {
          productFilter: { conditions: [{ conditionOperator: 'BeginsWith', itemNumber: ['bike-'] }] },
        },
        filters: { organizationId: ['usmf'] },
      },
      { headers: { 'Api-Version': '2.0' } },
    );
    expect(paged.statusCode, paged.body).toBe(200);
    expect(
      paged
        .json()
        .Value.map((r: { productId: string }) => r.productId)
        .sort(),
    ).toEqual(['Bike-1000', 'Bike-1000', 'Bike-2000', 'Bike-2000', 'Bike-3000', 'Bike-3000']);

    const withProduct = await indexQuery(
      {},
      { filters: { organizationId: ['usmf'], ProductId: ['Bike-1000'] } },
    );
    expect(withProduct.statusCode).toBe(400);
    expect(withProduct.json()).toMatchObject({
      code: 'productid_with_product_search',
      details: [{ path: '/filters/ProductId' }],
    });
    const badOperator = await indexQuery({
      productFilter: { conditions: [{ conditionOperator: 'Resembles', productName: ['x'] }] },
    });
    expect(badOperator.json()).toMatchObject({
      code: 'invalid_request',
      details: [{ path: '/productSearch/productFilter/conditions/0/conditionOperator' }],
    });
    const nestedBad = await indexQuery({
      productFilter: { subFilters: [{ conditions: [{ conditionOperator: 'IsExactly', colour: ['x'] }] }] },
    });
    expect(nestedBad.json()).toMatchObject({
      code: 'unknown_field',
      details: [{ path: '/productSearch/productFilter/subFilters/0/conditions/0/colour' }],
    });
  });

  it('answers an exact query for the products found, as the plain exact query does', async () => {
    const filters = {
      organizationId: ['usmf'],
      dimensions: ['siteId', 'locationId', 'colorId'],
      values: [['2', '11', 'red']],
    };
    const res = await h.request(
      'POST',
      `${BASE}/onhand/productsearch/exactquery`,
      {
        productSearch: {
          productFilter: {
            conditions: [{ conditionOperator: 'IsOneOf', itemNumber: ['bike-3000', 'service-1'] }],
          },
        },
        filters,
      },
      { token: reader },
    );
    expect(res.statusCode, res.body).toBe(200);
    const plain = await h.request('POST', `${BASE}/onhand/exactquery`, {
      filters: { ...filters, productId: ['Bike-3000', 'Service-1'] },
    });
    expect(res.json()).toEqual(plain.json());
    expect(res.json()).toHaveLength(2);
  });
});
