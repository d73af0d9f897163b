import { describe, expect, it } from 'vitest';
import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import {
  type IndexQueryInput,
  parseExactQuery,
  parseIndexQuery,
} from '../../src/domain/query/parse-query.js';
import type { QueryLimits } from '../../src/domain/query/query-plan.js';
import { caught, expectFailure } from './helpers.js';
import {
  BY_LOCATION,
  BY_PRODUCT,
  EMPTY_INDEX,
  LIMITS,
  NO_INDEX,
  range,
  STRICT,
} from './query-parse/query-fixtures.js';

/* parseIndexQuery (continued from query-parse.test.ts): its limits and the index hierarchy. */

describe('parseIndexQuery', () => {
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
