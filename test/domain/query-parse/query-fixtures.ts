import type { RuntimeConfiguration } from '../../../src/domain/config/runtime-configuration.js';
import type { ExactQueryInput, IndexQueryInput } from '../../../src/domain/query/parse-query.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../../../src/domain/query/query-plan.js';
import { compiledWith } from '../helpers.js';

/* The configurations, limits and example queries shared by test/domain/query-parse*.test.ts. */

export const withEcommerce = (c: RuntimeConfiguration) => {
  c.inventorySystemConfigurations.ecommerce = {
    dataSourceName: 'ecommerce',
    dimensionMappings: { ProductColor: 'ColorId', ProductSize: 'SizeId', Store: 'LocationId' },
    physicalMeasures: ['received'],
    calculatedMeasures: {},
    reservMappings: {},
  };
};
/** Default configuration (by location, index ColorId → SizeId → StyleId) plus a mapping data source. */
export const BY_LOCATION = compiledWith(withEcommerce);
export const BY_PRODUCT = compiledWith((c) => {
  withEcommerce(c);
  c.cachePartitionIdVersion = 'byProductId';
});
export const NO_INDEX = compiledWith((c) => {
  c.indexConfiguration.indexAttributeSets = [];
});
export const EMPTY_INDEX = compiledWith((c) => {
  c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['Empty'] }];
});

export const LIMITS = DEFAULT_QUERY_LIMITS;
export const STRICT: QueryLimits = { ...LIMITS, strictIndex: true };

/** The first index query example of spec §2.7.1. */
export const QUERY: IndexQueryInput = {
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

export const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** The exact query example of spec §2.7.4. */
export const EXACT: ExactQueryInput = {
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

export const exact = (
  filters: Partial<ExactQueryInput['filters']>,
  rest: Partial<ExactQueryInput> = {},
): ExactQueryInput => ({
  ...EXACT,
  ...rest,
  filters: { ...EXACT.filters, ...filters },
});
