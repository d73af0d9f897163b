import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/codes.js';
import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import { type IndexQueryInput, parseIndexQuery } from '../../src/domain/query/parse-query.js';
import { expectFailure } from './helpers.js';
import { BY_LOCATION, BY_PRODUCT, LIMITS, QUERY } from './query-parse/query-fixtures.js';

/* parseIndexQuery; its limits and index hierarchy: query-parse-limits.test.ts; parseExactQuery: query-parse-exact.test.ts. */

describe('parseIndexQuery', () => {
  it('reads the spec §2.7.1 example', () => {
    const plan = parseIndexQuery(BY_LOCATION, QUERY, LIMITS, 1);
    expect(plan).toEqual({
      organizationIds: ['usmf'],
      productIds: ['T-shirt'],
      siteIds: ['1'],
      locationIds: ['11', '12', '13'],
      filters: new Map([['colorid', new Set(['red'])]]),
      groupBy: ['colorid', 'sizeid'],
      returnNegative: true,
    });
  });

  it('defaults returnNegative to false and group-by to none', () => {
    const plan = parseIndexQuery(
      BY_LOCATION,
      { filters: { organizationId: ['usmf'], productId: ['p'] } },
      LIMITS,
      1,
    );
    expect(plan.returnNegative).toBe(false);
    expect(plan.groupBy).toEqual([]);
    expect(plan.siteIds).toEqual([]);
  });

  it.each<[string, Record<string, readonly string[]>]>([
    [
      'all products of a site and location (the second §2.7.1 example)',
      { productId: [], siteId: ['1'], locationId: ['11'] },
    ],
    ['all products of a location only', { locationId: ['11'] }],
    ['all sites and locations of a product', { productId: ['T-shirt'] }],
  ])('when partitioned by location, accepts %s', (_name, filters) => {
    expect(() =>
      parseIndexQuery(BY_LOCATION, { filters: { organizationId: ['usmf'], ...filters } }, LIMITS, 1),
    ).not.toThrow();
  });

  it('accepts several organizations in version 2', () => {
    const plan = parseIndexQuery(
      BY_LOCATION,
      { filters: { organizationId: ['org1', 'org2', 'org3'], productId: ['p'] } },
      LIMITS,
      2,
    );
    expect(plan.organizationIds).toEqual(['org1', 'org2', 'org3']);
  });

  it('removes repeated values and keys filters case-insensitively', () => {
    const plan = parseIndexQuery(
      BY_LOCATION,
      {
        filters: {
          OrganizationID: ['usmf'],
          PRODUCTID: ['a', 'b', 'a'],
          SiteId: ['1', '1'],
          COLORID: ['red', 'red'],
        },
        groupByValues: ['SizeId', 'sizeid'],
      },
      LIMITS,
      1,
    );
    expect(plan.productIds).toEqual(['a', 'b']);
    expect(plan.siteIds).toEqual(['1']);
    expect(plan.filters).toEqual(new Map([['colorid', new Set(['red'])]]));
    expect(plan.groupBy).toEqual(['sizeid']);
  });

  it('treats an empty list of values as no filter on that dimension', () => {
    const plan = parseIndexQuery(
      BY_LOCATION,
      { filters: { organizationId: ['usmf'], productId: ['p'], colorId: [] } },
      LIMITS,
      1,
    );
    expect(plan.filters.size).toBe(0);
  });

  it('translates mapped names in filters and group-by through dimensionDataSource', () => {
    const plan = parseIndexQuery(
      BY_LOCATION,
      {
        dimensionDataSource: 'ecommerce',
        filters: {
          organizationId: ['usmf'],
          productId: ['p'],
          Store: ['11'],
          ProductColor: ['red'],
          StyleId: ['slim'],
        },
        groupByValues: ['ProductColor', 'ProductSize'],
      },
      LIMITS,
      1,
    );
    expect(plan.locationIds).toEqual(['11']);
    expect(plan.filters).toEqual(
      new Map([
        ['colorid', new Set(['red'])],
        ['styleid', new Set(['slim'])],
      ]),
    );
    expect(plan.groupBy).toEqual(['colorid', 'sizeid']);
  });

  it('accepts the legacy filters.DimensionDataSource form', () => {
    const plan = parseIndexQuery(
      BY_LOCATION,
      {
        filters: {
          organizationId: ['usmf'],
          productId: ['p'],
          DimensionDataSource: ['Ecommerce'],
          ProductColor: ['red'],
        },
        groupByValues: ['ProductSize'],
      },
      LIMITS,
      1,
    );
    expect(plan.filters).toEqual(new Map([['colorid', new Set(['red'])]]));
    expect(plan.groupBy).toEqual(['sizeid']);
  });

  it.each<[string, CompiledConfiguration, IndexQueryInput, 1 | 2, ErrorCode, string]>([
    [
      'v1 without organizationId',
      BY_LOCATION,
      { filters: { productId: ['p'] } },
      1,
      'invalid_query',
      '/filters/organizationId',
    ],
    [
      'v1 with an empty organizationId list',
      BY_LOCATION,
      { filters: { organizationId: [], productId: ['p'] } },
      1,
      'invalid_query',
      '/filters/organizationId',
    ],
    [
      'v1 with two organizations',
      BY_LOCATION,
      { filters: { organizationId: ['a', 'b'], productId: ['p'] } },
      1,
      'invalid_query',
      '/filters/organizationId',
    ],
    [
      'v2 without organizationId',
      BY_LOCATION,
      { filters: { productId: ['p'] } },
      2,
      'invalid_query',
      '/filters/organizationId',
    ],
    [
      'by location, neither product nor site/location',
      BY_LOCATION,
      { filters: { organizationId: ['usmf'], productId: [], siteId: [] } },
      1,
      'invalid_query',
      '/filters',
    ],
    [
      'by location, only a colour',
      BY_LOCATION,
      { filters: { organizationId: ['usmf'], colorId: ['red'] } },
      1,
      'invalid_query',
      '/filters',
    ],
    [
      'by product, without productId',
      BY_PRODUCT,
      { filters: { organizationId: ['usmf'], siteId: ['1'], locationId: ['11'] } },
      1,
      'invalid_query',
      '/filters/productId',
    ],
    [
      'by product, with an empty productId list',
      BY_PRODUCT,
      { filters: { organizationId: ['usmf'], productId: [] } },
      2,
      'invalid_query',
      '/filters/productId',
    ],
    [
      'an unknown filter dimension',
      BY_LOCATION,
      { filters: { organizationId: ['usmf'], productId: ['p'], colour: ['red'] } },
      1,
      'unknown_dimension',
      '/filters/colour',
    ],
    [
      'a mapped name without dimensionDataSource',
      BY_LOCATION,
      { filters: { organizationId: ['usmf'], productId: ['p'], ProductColor: ['red'] } },
      1,
      'unknown_dimension',
      '/filters/ProductColor',
    ],
    [
      'an unknown group-by dimension',
      BY_LOCATION,
      { filters: { organizationId: ['usmf'], productId: ['p'] }, groupByValues: ['colorId', 'fit'] },
      1,
      'unknown_dimension',
      '/groupByValues/1',
    ],
    [
      'an unknown dimensionDataSource',
      BY_LOCATION,
      { dimensionDataSource: 'shopify', filters: { organizationId: ['usmf'], productId: ['p'] } },
      1,
      'unknown_data_source',
      '/dimensionDataSource',
    ],
    [
      'an unknown legacy DimensionDataSource',
      BY_LOCATION,
      { filters: { DimensionDataSource: ['shopify'], organizationId: ['usmf'], productId: ['p'] } },
      1,
      'unknown_data_source',
      '/dimensionDataSource',
    ],
    [
      'one dimension filtered twice under two names',
      BY_LOCATION,
      {
        dimensionDataSource: 'ecommerce',
        filters: { organizationId: ['usmf'], productId: ['p'], ProductColor: ['red'], colorId: ['blue'] },
      },
      1,
      'invalid_query',
      '/filters/colorId',
    ],
    [
      'an empty product id',
      BY_LOCATION,
      { filters: { organizationId: ['usmf'], productId: [''] } },
      1,
      'invalid_id',
      '/filters/productId/0',
    ],
    [
      'a filter value that is too long',
      BY_LOCATION,
      { filters: { organizationId: ['usmf'], productId: ['p'], colorId: ['x'.repeat(257)] } },
      1,
      'value_too_long',
      '/filters/colorId/0',
    ],
  ])('rejects %s', (_name, config, input, version, code, path) => {
    expectFailure(() => parseIndexQuery(config, input, LIMITS, version), code, path);
  });
});
