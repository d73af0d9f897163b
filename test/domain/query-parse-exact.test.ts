import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/codes.js';
import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import { type ExactQueryInput, parseExactQuery } from '../../src/domain/query/parse-query.js';
import { expectFailure } from './helpers.js';
import { BY_LOCATION, BY_PRODUCT, EXACT, exact, LIMITS, range } from './query-parse/query-fixtures.js';

/* parseExactQuery (spec §2.7.4); parseIndexQuery is in query-parse.test.ts. */

describe('parseExactQuery', () => {
  it('reads the spec §2.7.4 v1 example', () => {
    expect(parseExactQuery(BY_LOCATION, EXACT, LIMITS, 1)).toEqual({
      organizationIds: ['SCM_IV'],
      productIds: ['iv_contoso_product'],
      siteIds: ['iv_contoso_site'],
      locationIds: ['iv_contoso_location'],
      filters: new Map(),
      tuples: {
        keys: ['siteid', 'locationid', 'colorid'],
        values: [
          ['iv_contoso_site', 'iv_contoso_location', 'red'],
          ['iv_contoso_site', 'iv_contoso_location', 'blue'],
        ],
      },
      groupBy: ['colorid', 'sizeid'],
      returnNegative: true,
    });
  });

  it('reads the spec §2.7.4 v2 example, with organizationId among the keys', () => {
    const plan = parseExactQuery(
      BY_LOCATION,
      {
        filters: {
          productId: ['iv_contoso_product'],
          keys: ['organizationId', 'siteId', 'locationId'],
          values: [
            ['SCM_IV', 'iv_contoso_site_1', 'iv_contoso_location_1'],
            ['SCM_IV2', 'iv_contoso_site_1', 'iv_contoso_location_2'],
          ],
        },
      },
      LIMITS,
      2,
    );
    expect(plan.organizationIds).toEqual(['SCM_IV', 'SCM_IV2']);
    expect(plan.tuples?.keys).toEqual(['organizationid', 'siteid', 'locationid']);
    expect(plan.siteIds).toEqual(['iv_contoso_site_1']);
    expect(plan.locationIds).toEqual(['iv_contoso_location_1', 'iv_contoso_location_2']);
  });

  it('takes the key dimensions in any order, translating mapped names', () => {
    const plan = parseExactQuery(
      BY_LOCATION,
      exact(
        { dimensions: ['ProductColor', 'Store', 'siteId'], values: [['red', '11', '1']] },
        { dimensionDataSource: 'ecommerce' },
      ),
      LIMITS,
      1,
    );
    expect(plan.tuples?.keys).toEqual(['colorid', 'locationid', 'siteid']);
    expect(plan.locationIds).toEqual(['11']);
  });

  it('removes repeated tuples', () => {
    const plan = parseExactQuery(
      BY_LOCATION,
      exact({
        values: [
          ['s', 'l', 'red'],
          ['s', 'l', 'red'],
        ],
      }),
      LIMITS,
      1,
    );
    expect(plan.tuples?.values).toEqual([['s', 'l', 'red']]);
  });

  it.each<[string, CompiledConfiguration, ExactQueryInput]>([
    ['by location, without productId (all products)', BY_LOCATION, exact({ productId: [] })],
    [
      'by product, with empty dimensions and values [[]]',
      BY_PRODUCT,
      exact({ dimensions: [], values: [[]] }),
    ],
    [
      'by product, without site or location',
      BY_PRODUCT,
      exact({ dimensions: ['colorId'], values: [['red']] }),
    ],
  ])('accepts %s', (_name, config, input) => {
    expect(() => parseExactQuery(config, input, LIMITS, 1)).not.toThrow();
  });

  it.each<[string, CompiledConfiguration, ExactQueryInput, 1 | 2, ErrorCode, string]>([
    [
      'a tuple shorter than the dimensions',
      BY_LOCATION,
      exact({
        values: [
          ['s', 'l', 'red'],
          ['s', 'l'],
        ],
      }),
      1,
      'invalid_query',
      '/filters/values/1',
    ],
    [
      'a tuple longer than the dimensions',
      BY_LOCATION,
      exact({ values: [['s', 'l', 'red', 'x']] }),
      1,
      'invalid_query',
      '/filters/values/0',
    ],
    [
      'by location, without locationId',
      BY_LOCATION,
      exact({ dimensions: ['siteId', 'colorId'], values: [['s', 'red']] }),
      1,
      'missing_partition_dimension',
      '/filters/dimensions',
    ],
    [
      'by location, with empty dimensions',
      BY_LOCATION,
      exact({ dimensions: [], values: [[]] }),
      1,
      'missing_partition_dimension',
      '/filters/dimensions',
    ],
    [
      'by product, without productId',
      BY_PRODUCT,
      exact({ productId: [], dimensions: [], values: [[]] }),
      1,
      'invalid_query',
      '/filters/productId',
    ],
    [
      'v1 without organizationId',
      BY_LOCATION,
      exact({ organizationId: [] }),
      1,
      'invalid_query',
      '/filters/organizationId',
    ],
    [
      'v1 with two organizations',
      BY_LOCATION,
      exact({ organizationId: ['a', 'b'] }),
      1,
      'invalid_query',
      '/filters/organizationId',
    ],
    [
      'v1 without dimensions',
      BY_LOCATION,
      { filters: { organizationId: ['usmf'], values: [] } },
      1,
      'missing_field',
      '/filters/dimensions',
    ],
    [
      'a dimension listed twice',
      BY_LOCATION,
      exact({ dimensions: ['siteId', 'locationId', 'SiteId'] }),
      1,
      'invalid_query',
      '/filters/dimensions',
    ],
    [
      'a mapped name and its base dimension both listed',
      BY_LOCATION,
      exact({ dimensions: ['siteId', 'Store', 'locationId'] }, { dimensionDataSource: 'ecommerce' }),
      1,
      'invalid_query',
      '/filters/dimensions',
    ],
    [
      'an unknown dimension',
      BY_LOCATION,
      exact({ dimensions: ['siteId', 'locationId', 'colour'] }),
      1,
      'unknown_dimension',
      '/filters/dimensions/2',
    ],
    [
      'organizationId as a v1 dimension',
      BY_LOCATION,
      exact({ dimensions: ['organizationId', 'siteId', 'locationId'] }),
      1,
      'unknown_dimension',
      '/filters/dimensions/0',
    ],
    [
      'too many products',
      BY_LOCATION,
      exact({ productId: range('p', 5001) }),
      1,
      'query_limit_exceeded',
      '/filters/productId',
    ],
    [
      'an empty product id',
      BY_LOCATION,
      exact({ productId: ['p', ''] }),
      1,
      'invalid_id',
      '/filters/productId/1',
    ],
    [
      'v2 with filters.organizationId',
      BY_LOCATION,
      {
        filters: {
          organizationId: ['SCM_IV'],
          keys: ['organizationId', 'siteId', 'locationId'],
          values: [['SCM_IV', 's', 'l']],
        },
      },
      2,
      'invalid_query',
      '/filters/organizationId',
    ],
    [
      'v2 without organizationId in keys',
      BY_LOCATION,
      { filters: { keys: ['siteId', 'locationId'], values: [['s', 'l']] } },
      2,
      'invalid_query',
      '/filters/keys',
    ],
    [
      'v2 with dimensions instead of keys',
      BY_LOCATION,
      { filters: { dimensions: ['siteId', 'locationId'], values: [['s', 'l']] } },
      2,
      'missing_field',
      '/filters/keys',
    ],
    [
      'v2 by location without locationId',
      BY_LOCATION,
      { filters: { keys: ['organizationId', 'siteId'], values: [['SCM_IV', 's']] } },
      2,
      'missing_partition_dimension',
      '/filters/keys',
    ],
    [
      'v2 with an empty organization id in a tuple',
      BY_PRODUCT,
      { filters: { productId: ['p'], keys: ['organizationId'], values: [['']] } },
      2,
      'invalid_id',
      '/filters/values/0/0',
    ],
  ])('rejects %s', (_name, config, input, version, code, path) => {
    expectFailure(() => parseExactQuery(config, input, LIMITS, version), code, path);
  });
});
