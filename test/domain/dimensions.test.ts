import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/codes.js';
import {
  BASE_DIMENSIONS,
  canonicalDimensions,
  type Dimensions,
  dimensionsKey,
  dimensionValue,
  displayName,
  parseDimensionsKey,
  toBaseDimension,
} from '../../src/domain/dimensions.js';
import { MAX_DIMENSION_VALUE_LENGTH, MAX_NAME_LENGTH } from '../../src/domain/identifiers.js';
import {
  dimensionSource,
  requirePartitionDimensions,
  resolveDimensions,
  toBase,
} from '../../src/domain/resolve-dimensions.js';
import { BY_LOCATION, BY_PRODUCT, compiledWith, expectFailure } from './helpers.js';

/** The default configuration plus the `ecommerce` data source of spec §1.4 (ProductColor → ColorId). */
const CONFIG = compiledWith((c) => {
  c.inventorySystemConfigurations.ecommerce = {
    dataSourceName: 'ecommerce',
    dimensionMappings: { ProductColor: 'ColorId', ProductSize: 'SizeId', Store: 'LocationId' },
    physicalMeasures: ['received'],
    calculatedMeasures: {},
    reservMappings: {},
  };
});
const ECOMMERCE = CONFIG.dataSources.get('ecommerce');
const FNO = CONFIG.dataSources.get('fno');

describe('base dimensions', () => {
  it('are the 33 dimensions of spec §1.3, lower-case', () => {
    expect(BASE_DIMENSIONS.size).toBe(33);
    for (const name of BASE_DIMENSIONS) expect(name).toBe(name.toLowerCase());
    expect(BASE_DIMENSIONS.has('customdimension12')).toBe(true);
    expect(BASE_DIMENSIONS.has('extendeddimension8')).toBe(true);
  });

  it.each<[string, string | undefined]>([
    ['ColorId', 'colorid'],
    ['COLORID', 'colorid'],
    ['siteId', 'siteid'],
    ['WMSLocationId', 'wmslocationid'],
    ['CustomDimension3', 'customdimension3'],
    ['InventDimension1', 'customdimension1'],
    ['inventdimension12', 'customdimension12'],
    ['ExtendedDimension8', 'extendeddimension8'],
    ['InventDimension13', undefined],
    ['ExtendedDimension9', undefined],
    ['InventColorId', undefined],
    ['Empty', undefined],
    ['productId', undefined],
    ['organizationId', undefined],
    ['', undefined],
  ])('%s is the base dimension %s', (name, base) => {
    expect(toBaseDimension(name)).toBe(base);
  });

  it.each([
    ['colorid', 'ColorId'],
    ['wmspalletid', 'WMSPalletId'],
    ['licenseplateid', 'LicensePlateId'],
    ['customdimension1', 'CustomDimension1'],
    ['extendeddimension2', 'ExtendedDimension2'],
    ['posmachineid', 'posmachineid'],
  ])('%s displays as %s', (base, display) => {
    expect(displayName(base)).toBe(display);
  });
});

describe('canonical dimension tuples', () => {
  it('drop empty values and sort keys, so insertion order does not change the key', () => {
    const a = canonicalDimensions([
      ['sizeid', 'small'],
      ['colorid', 'red'],
      ['styleid', ''],
    ]);
    const b = canonicalDimensions([
      ['colorid', 'red'],
      ['sizeid', 'small'],
    ]);
    expect(a).toEqual({ colorid: 'red', sizeid: 'small' });
    expect(Object.keys(a)).toEqual(['colorid', 'sizeid']);
    expect(dimensionsKey(a)).toBe(dimensionsKey(b));
    expect(parseDimensionsKey(dimensionsKey(a))).toEqual(a);
  });

  it('tell tuples apart even when values contain separators', () => {
    const a = canonicalDimensions([['colorid', 'a","sizeid":"b']]);
    const b = canonicalDimensions([
      ['colorid', 'a'],
      ['sizeid', 'b'],
    ]);
    expect(dimensionsKey(a)).not.toBe(dimensionsKey(b));
  });

  it('report an unspecified dimension as ""', () => {
    const dims: Dimensions = { colorid: 'red' };
    expect(dimensionValue(dims, 'colorid')).toBe('red');
    expect(dimensionValue(dims, 'sizeid')).toBe('');
  });
});

describe('dimensionSource', () => {
  it.each([null, undefined, '', '   '])('is absent for %j', (name) => {
    expect(dimensionSource(CONFIG, name, '/dimensionDataSource')).toBeUndefined();
  });

  it.each(['pos', 'POS', ' Pos '])('finds %j case-insensitively', (name) => {
    expect(dimensionSource(CONFIG, name, '/dimensionDataSource')?.name).toBe('pos');
  });

  it('rejects a data source that is not configured', () => {
    expectFailure(
      () => dimensionSource(CONFIG, 'shopify', '/dimensionDataSource'),
      'unknown_data_source',
      '/dimensionDataSource',
    );
  });

  it.each<[string, string | undefined]>([
    ['ProductColor', 'colorid'],
    ['productcolor', 'colorid'],
    ['ColorId', 'colorid'],
    ['InventDimension4', 'customdimension4'],
    ['posMachineId', undefined],
  ])('translates %s through ecommerce to %s', (name, base) => {
    expect(toBase(ECOMMERCE, name)).toBe(base);
  });
});

describe('resolveDimensions', () => {
  it.each<[string, Record<string, string>, Dimensions]>([
    [
      'base dimensions in any casing',
      { siteId: '1', LOCATIONID: '11', colorId: 'red' },
      { colorid: 'red', locationid: '11', siteid: '1' },
    ],
    ['the InventDimensionN alias', { InventDimension2: 'lot-7' }, { customdimension2: 'lot-7' }],
    ['the CustomDimensionN name', { CustomDimension2: 'lot-7' }, { customdimension2: 'lot-7' }],
    ['an empty value as unspecified', { siteId: '1', colorId: '' }, { siteid: '1' }],
    ['the same value given twice', { colorId: 'red', ColorId: 'red' }, { colorid: 'red' }],
    ['no dimensions at all', {}, {}],
  ])('without a dimension data source, accepts %s', (_name, input, expected) => {
    expect(resolveDimensions(undefined, input, '/dimensions')).toEqual(expected);
  });

  it('treats missing dimensions as none', () => {
    expect(resolveDimensions(undefined, undefined, '/dimensions')).toEqual({});
  });

  it.each<[string, Record<string, string>, Dimensions]>([
    ['mapped names', { ProductColor: 'red', Store: '11' }, { colorid: 'red', locationid: '11' }],
    [
      'base names next to mapped ones',
      { ProductColor: 'red', SizeId: 'small' },
      { colorid: 'red', sizeid: 'small' },
    ],
    ['a mapped and a base name that agree', { ProductColor: 'red', ColorId: 'red' }, { colorid: 'red' }],
    [
      'and drops unmapped keys of the source',
      { posMachineId: '0001', ProductColor: 'red' },
      { colorid: 'red' },
    ],
  ])('with a dimension data source, resolves %s', (_name, input, expected) => {
    expect(resolveDimensions(ECOMMERCE, input, '/dimensions')).toEqual(expected);
  });

  it('maps the default fno names (spec §1.4)', () => {
    expect(
      resolveDimensions(
        FNO,
        {
          InventSiteId: '1',
          InventLocationId: '11',
          InventColorId: 'red',
          InventVersionId: 'v2',
          InventDimension5: 'x',
        },
        '/dimensions',
      ),
    ).toEqual({ colorid: 'red', customdimension5: 'x', locationid: '11', siteid: '1', versionid: 'v2' });
  });

  it.each<[string, Parameters<typeof resolveDimensions>[0], Record<string, string>, ErrorCode, string]>([
    [
      'an unknown key without a data source',
      undefined,
      { siteId: '1', posMachineId: '0001' },
      'unknown_dimension',
      '/dimensions/posMachineId',
    ],
    [
      'a mapped name without a data source',
      undefined,
      { ProductColor: 'red' },
      'unknown_dimension',
      '/dimensions/ProductColor',
    ],
    [
      'two casings with different values',
      undefined,
      { colorId: 'red', ColorId: 'blue' },
      'duplicate_dimension',
      '/dimensions/ColorId',
    ],
    [
      'an alias that contradicts its base name',
      undefined,
      { CustomDimension1: 'a', InventDimension1: 'b' },
      'duplicate_dimension',
      '/dimensions/InventDimension1',
    ],
    [
      'a mapped name that contradicts its base name',
      ECOMMERCE,
      { ColorId: 'blue', ProductColor: 'red' },
      'duplicate_dimension',
      '/dimensions/ProductColor',
    ],
    [
      'a value longer than allowed',
      undefined,
      { colorId: 'x'.repeat(MAX_DIMENSION_VALUE_LENGTH + 1) },
      'value_too_long',
      '/dimensions/colorId',
    ],
    [
      'a value with a control character',
      undefined,
      { colorId: 're\u0000d' },
      'invalid_id',
      '/dimensions/colorId',
    ],
    ['an empty key', ECOMMERCE, { '': 'x' }, 'invalid_id', '/dimensions/'],
    [
      'a key longer than allowed',
      ECOMMERCE,
      { ['k'.repeat(MAX_NAME_LENGTH + 1)]: 'x' },
      'value_too_long',
      `/dimensions/${'k'.repeat(MAX_NAME_LENGTH + 1)}`,
    ],
  ])('rejects %s', (_name, source, input, code, path) => {
    expectFailure(() => resolveDimensions(source, input, '/dimensions'), code, path);
  });

  it('accepts a value of exactly the maximum length', () => {
    const value = 'v'.repeat(MAX_DIMENSION_VALUE_LENGTH);
    expect(resolveDimensions(undefined, { colorId: value }, '/dimensions')).toEqual({ colorid: value });
  });
});

describe('requirePartitionDimensions', () => {
  it.each<[string, Dimensions, string | undefined]>([
    ['site and location given', { siteid: '1', locationid: '11' }, undefined],
    ['no site', { locationid: '11' }, '/dimensions/siteid'],
    ['no location', { siteid: '1', colorid: 'red' }, '/dimensions/locationid'],
    ['neither', {}, '/dimensions/siteid'],
  ])('when partitioned by location: %s', (_name, dims, failingPath) => {
    const run = () => requirePartitionDimensions(BY_LOCATION, dims, '/dimensions');
    if (failingPath === undefined) expect(run).not.toThrow();
    else expectFailure(run, 'missing_partition_dimension', failingPath);
  });

  it('requires nothing when partitioned by product', () => {
    expect(() => requirePartitionDimensions(BY_PRODUCT, {}, '/dimensions')).not.toThrow();
  });
});
