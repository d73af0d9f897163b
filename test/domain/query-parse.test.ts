import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/codes.js';
import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';
import {
  type ExactQueryInput,
  type IndexQueryInput,
  parseExactQuery,
  parseIndexQuery,
} from '../../src/domain/query/parse-query.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../../src/domain/query/query-plan.js';
import { caught, compiledWith, expectFailure } from './helpers.js';

const withEcommerce = (c: RuntimeConfiguration) => {
  c.inventorySystemConfigurations.ecommerce = {
    dataSourceName: 'ecommerce',
    dimensionMappings: { ProductColor: 'ColorId', ProductSize: 'SizeId', Store: 'LocationId' },
    physicalMeasures: ['received'],
    calculatedMeasures: {},
    reservMappings: {},
  };
};
/** Default configuration (by location, index ColorId → SizeId → StyleId) plus a mapping data source. */
const BY_LOCATION = compiledWith(withEcommerce);
const BY_PRODUCT = compiledWith((c) => {
  withEcommerce(c);
  c.cachePartitionIdVersion = 'byProductId';
});
const NO_INDEX = compiledWith((c) => {
  c.indexConfiguration.indexAttributeSets = [];
});
const EMPTY_INDEX = compiledWith((c) => {
  c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['Empty'] }];
});

const LIMITS = DEFAULT_QUERY_LIMITS;
const STRICT: QueryLimits = { ...LIMITS, strictIndex: true };

/** The first index query example of spec §2.7.1. */
const QUERY: IndexQueryInput = {
  dimensionDataSource: 'pos',
  filters: {
    organizationId: ['usmf'],
    productId: ['T-shirt'],
    siteId: ['1'],
    locationId: ['11', '12', '13'],
    colorId: ['red'],
  },
  groupByValues: ['colorId', 'sizeId'],
  returnNegative: true,
};

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

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

  describe('limits', () => {
    const small: QueryLimits = { ...LIMITS, maxProducts: 3, maxSiteLocations: 100 };

    it.each<[string, CompiledConfiguration, Record<string, readonly string[]>, 1 | 2, boolean]>([
      ['3 products', BY_LOCATION, { productId: range('p', 3) }, 1, true],
      ['4 products', BY_LOCATION, { productId: range('p', 4) }, 1, false],
      ['4 products in version 2', BY_LOCATION, { productId: range('p', 4) }, 2, false],
      ['4 products by product', BY_PRODUCT, { productId: range('p', 4) }, 1, false],
    ])('productId: %s accepted = %s', (_name, config, filters, version, ok) => {
      const run = () =>
        parseIndexQuery(config, { filters: { organizationId: ['usmf'], ...filters } }, small, version);
      if (ok) expect(run).not.toThrow();
      else expectFailure(run, 'query_limit_exceeded', '/filters/productId');
    });

    it('allows 5,000 product ids by default and refuses 5,001', () => {
      const query = (n: number) => ({ filters: { organizationId: ['usmf'], productId: range('p', n) } });
      expect(parseIndexQuery(BY_LOCATION, query(5000), LIMITS, 1).productIds).toHaveLength(5000);
      expectFailure(
        () => parseIndexQuery(BY_LOCATION, query(5001), LIMITS, 1),
        'query_limit_exceeded',
        '/filters/productId',
      );
    });

    it.each<[string, CompiledConfiguration, number, number, 1 | 2, boolean]>([
      ['10 sites × 10 locations', BY_LOCATION, 10, 10, 1, true],
      ['10 sites × 11 locations', BY_LOCATION, 10, 11, 1, false],
      ['101 locations of any site', BY_LOCATION, 0, 101, 1, false],
      ['101 sites of any location', BY_LOCATION, 101, 0, 1, false],
      ['10 × 11 in version 2 (paged)', BY_LOCATION, 10, 11, 2, true],
      ['10 × 11 when partitioned by product', BY_PRODUCT, 10, 11, 1, true],
    ])('site × location: %s accepted = %s', (_name, config, sites, locations, version, ok) => {
      const input = {
        filters: {
          organizationId: ['usmf'],
          productId: ['p'],
          siteId: range('s', sites),
          locationId: range('l', locations),
        },
      };
      const run = () => parseIndexQuery(config, input, small, version);
      if (ok) expect(run).not.toThrow();
      else expectFailure(run, 'query_limit_exceeded', '/filters');
    });

    it('allows 10,000 site × location combinations by default', () => {
      const query = (locations: number) => ({
        filters: { organizationId: ['usmf'], siteId: range('s', 100), locationId: range('l', locations) },
      });
      expect(() => parseIndexQuery(BY_LOCATION, query(100), LIMITS, 1)).not.toThrow();
      expectFailure(
        () => parseIndexQuery(BY_LOCATION, query(101), LIMITS, 1),
        'query_limit_exceeded',
        '/filters',
      );
    });
  });

  describe('index hierarchy (spec §1.9)', () => {
    const query = (groupByValues: string[], dimensionDataSource?: string): IndexQueryInput => ({
      ...(dimensionDataSource === undefined ? {} : { dimensionDataSource }),
      filters: { organizationId: ['usmf'], productId: ['p'] },
      groupByValues,
    });

    it.each<[string[], boolean]>([
      [[], true],
      [['ColorId'], true],
      [['colorId', 'sizeId'], true],
      [['colorId', 'sizeId', 'styleId'], true],
      [['siteId', 'locationId', 'colorId'], true],
      [['colorId', 'locationId', 'sizeId'], true],
      [['sizeId'], false],
      [['colorId', 'styleId'], false],
      [['batchId'], false],
      [['colorId', 'sizeId', 'styleId', 'batchId'], false],
    ])('in strict mode, group-by %j is accepted = %s', (groupBy, ok) => {
      const run = () => parseIndexQuery(BY_LOCATION, query(groupBy), STRICT, 1);
      if (ok) expect(run).not.toThrow();
      else expectFailure(run, 'group_by_not_indexed', '/groupByValues');
    });

    it('strict mode checks mapped names after translating them', () => {
      expect(() =>
        parseIndexQuery(BY_LOCATION, query(['ProductColor', 'ProductSize'], 'ecommerce'), STRICT, 1),
      ).not.toThrow();
      expectFailure(
        () => parseIndexQuery(BY_LOCATION, query(['ProductSize'], 'ecommerce'), STRICT, 1),
        'group_by_not_indexed',
        '/groupByValues',
      );
    });

    it('lenient mode (the default) computes a group-by that is not indexed', () => {
      expect(parseIndexQuery(BY_LOCATION, query(['styleId', 'batchId']), LIMITS, 1).groupBy).toEqual([
        'styleid',
        'batchid',
      ]);
    });

    it('an index set of the Empty dimension allows only the empty group-by in strict mode', () => {
      expect(() => parseIndexQuery(EMPTY_INDEX, query([]), STRICT, 1)).not.toThrow();
      expect(() => parseIndexQuery(EMPTY_INDEX, query(['colorId']), LIMITS, 1)).not.toThrow();
      expectFailure(
        () => parseIndexQuery(EMPTY_INDEX, query(['colorId']), STRICT, 1),
        'group_by_not_indexed',
        '/groupByValues',
      );
    });

    it.each<[string, () => unknown]>([
      ['an index query', () => parseIndexQuery(NO_INDEX, query([]), LIMITS, 1)],
      ['a paged index query', () => parseIndexQuery(NO_INDEX, query([]), LIMITS, 2)],
      [
        'an exact query',
        () =>
          parseExactQuery(
            NO_INDEX,
            {
              filters: {
                organizationId: ['usmf'],
                dimensions: ['siteId', 'locationId'],
                values: [['1', '11']],
              },
            },
            LIMITS,
            1,
          ),
      ],
    ])('without any index set, %s fails with "No index hierarchy has been set."', (_name, run) => {
      const error = caught(run);
      expect(error.code).toBe('no_index_hierarchy');
      expect(error.message).toBe('No index hierarchy has been set.');
    });
  });
});

/** The exact query example of spec §2.7.4. */
const EXACT: ExactQueryInput = {
  dimensionDataSource: 'pos',
  filters: {
    organizationId: ['SCM_IV'],
    productId: ['iv_contoso_product'],
    dimensions: ['siteId', 'locationId', 'colorId'],
    values: [
      ['iv_contoso_site', 'iv_contoso_location', 'red'],
      ['iv_contoso_site', 'iv_contoso_location', 'blue'],
    ],
  },
  groupByValues: ['colorId', 'sizeId'],
  returnNegative: true,
};

const exact = (
  filters: Partial<ExactQueryInput['filters']>,
  rest: Partial<ExactQueryInput> = {},
): ExactQueryInput => ({
  ...EXACT,
  ...rest,
  filters: { ...EXACT.filters, ...filters },
});

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
