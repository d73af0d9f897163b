import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/codes.js';
import { type OnHandInput, toChangeCommand } from '../../src/domain/onhand-command.js';
import { BY_LOCATION, BY_PRODUCT, compiledWith, expectFailure } from './helpers.js';
import { EVENT, event } from './onhand-fixtures.js';

/** The default configuration with a writable data source that maps its own dimension names. */
const CONFIG = compiledWith((c) => {
  c.inventorySystemConfigurations.ecommerce = {
    dataSourceName: 'ecommerce',
    dimensionMappings: { ProductColor: 'ColorId', Store: 'LocationId' },
    physicalMeasures: ['received', 'issued'],
    calculatedMeasures: {},
    reservMappings: {},
  };
});

describe('toChangeCommand', () => {
  it('normalises the spec §2.5 example into a delta on pos.inbound', () => {
    expect(toChangeCommand(BY_LOCATION, EVENT)).toEqual({
      kind: 'onhand.change',
      eventId: 'Test201',
      organizationId: 'usmf',
      productId: 'T-shirt',
      dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
      partitionId: 'usmf~1~11',
      values: [{ dataSource: 'pos', measure: 'inbound', value: 1_000_000n }],
      countedAt: null,
    });
  });

  it('changes several data sources and measures in one event, in the order given', () => {
    const command = toChangeCommand(
      CONFIG,
      event({
        quantities: {
          POS: { Inbound: '2.5', outbound: -1 },
          iv: { ordered: 0.000001 },
          ecommerce: { received: 3 },
        },
      }),
    );
    expect(command.values).toEqual([
      { dataSource: 'pos', measure: 'inbound', value: 2_500_000n },
      { dataSource: 'pos', measure: 'outbound', value: -1_000_000n },
      { dataSource: 'iv', measure: 'ordered', value: 1n },
      { dataSource: 'ecommerce', measure: 'received', value: 3_000_000n },
    ]);
  });

  it('translates mapped dimension names through dimensionDataSource', () => {
    const command = toChangeCommand(
      CONFIG,
      event({
        dimensionDataSource: 'ecommerce',
        dimensions: { siteId: '1', Store: '11', ProductColor: 'red', basketId: 'b-17' },
        quantities: { ecommerce: { received: 1 } },
      }),
    );
    expect(command.dimensions).toEqual({ colorid: 'red', locationid: '11', siteid: '1' });
  });

  it('keeps ids as given (they are case-sensitive)', () => {
    const command = toChangeCommand(
      BY_LOCATION,
      event({ id: 'Ev-1', organizationId: 'USMF', productId: 'T-Shirt' }),
    );
    expect([command.eventId, command.organizationId, command.productId]).toEqual(['Ev-1', 'USMF', 'T-Shirt']);
    expect(command.partitionId).toBe('USMF~1~11');
  });

  it('ignores modifiedDateTimeUTC (only counts have an effective time)', () => {
    expect(
      toChangeCommand(BY_LOCATION, event({ modifiedDateTimeUTC: '2024-03-01T10:00:00Z' })).countedAt,
    ).toBeNull();
  });

  it('does not need site or location when data is partitioned by product', () => {
    const command = toChangeCommand(
      BY_PRODUCT,
      event({ dimensionDataSource: null, dimensions: { colorId: 'red' } }),
    );
    expect(command.dimensions).toEqual({ colorid: 'red' });
    expect(command.partitionId).toBe('usmf~T-shirt');
  });

  it.each<[string, Partial<OnHandInput>, ErrorCode, string]>([
    [
      'an unknown data source',
      { quantities: { shopify: { sold: 1 } } },
      'unknown_data_source',
      '/quantities/shopify',
    ],
    [
      'an unknown measure',
      { quantities: { pos: { returns: 1 } } },
      'unknown_measure',
      '/quantities/pos/returns',
    ],
    [
      'a measure of another data source',
      { quantities: { pos: { ordered: 1 } } },
      'unknown_measure',
      '/quantities/pos/ordered',
    ],
    [
      'a calculated measure',
      { quantities: { pos: { AvailQuantity: 1 } } },
      'calculated_measure_not_writable',
      '/quantities/pos/AvailQuantity',
    ],
    [
      'the fno data source',
      { quantities: { fno: { physicalinvent: 1 } } },
      'data_source_read_only',
      '/quantities/fno',
    ],
    [
      'fno in another casing',
      { quantities: { FNO: { physicalinvent: 1 } } },
      'data_source_read_only',
      '/quantities/FNO',
    ],
    [
      'the @iv data source',
      { quantities: { '@iv': { '@allocated': 1 } } },
      'data_source_read_only',
      '/quantities/@iv',
    ],
    ['no data source', { quantities: {} }, 'no_quantities', '/quantities'],
    ['a data source without measures', { quantities: { pos: {} } }, 'no_quantities', '/quantities'],
    [
      'the same measure in two casings',
      { quantities: { pos: { inbound: 1, Inbound: 2 } } },
      'duplicate_name',
      '/quantities/pos/Inbound',
    ],
    [
      'a quantity that is not a number',
      { quantities: { pos: { inbound: 'lots' } } },
      'invalid_quantity',
      '/quantities/pos/inbound',
    ],
    [
      'a quantity with 7 decimals',
      { quantities: { pos: { inbound: '0.0000001' } } },
      'quantity_precision',
      '/quantities/pos/inbound',
    ],
    [
      'a quantity beyond the range',
      { quantities: { pos: { inbound: '1e13' } } },
      'quantity_out_of_range',
      '/quantities/pos/inbound',
    ],
    ['no siteId', { dimensions: { locationId: '11' } }, 'missing_partition_dimension', '/dimensions/siteid'],
    [
      'an empty locationId',
      { dimensions: { siteId: '1', locationId: '' } },
      'missing_partition_dimension',
      '/dimensions/locationid',
    ],
    [
      'an unknown dimension without a dimension data source',
      { dimensionDataSource: null, dimensions: { siteId: '1', locationId: '11', posMachineId: '1' } },
      'unknown_dimension',
      '/dimensions/posMachineId',
    ],
    [
      'an unknown dimension data source',
      { dimensionDataSource: 'shopify' },
      'unknown_data_source',
      '/dimensionDataSource',
    ],
    [
      'contradicting dimensions',
      { dimensions: { siteId: '1', locationId: '11', SITEID: '2' } },
      'duplicate_dimension',
      '/dimensions/SITEID',
    ],
    [
      'a dimension value that is too long',
      { dimensions: { siteId: '1', locationId: '11', colorId: 'x'.repeat(257) } },
      'value_too_long',
      '/dimensions/colorId',
    ],
    ['an empty id', { id: '' }, 'invalid_id', '/id'],
    ['an id that is too long', { id: 'x'.repeat(257) }, 'value_too_long', '/id'],
    ['an organization id with a newline', { organizationId: 'us\nmf' }, 'invalid_id', '/organizationId'],
    ['an empty product id', { productId: '' }, 'invalid_id', '/productId'],
  ])('rejects %s', (_name, changes, code, path) => {
    expectFailure(() => toChangeCommand(CONFIG, event(changes)), code, path);
  });

  it('prefixes error paths with the position of the item in a bulk request', () => {
    expectFailure(
      () => toChangeCommand(BY_LOCATION, event({ quantities: { pos: { returns: 1 } } }), '/3'),
      'unknown_measure',
      '/3/quantities/pos/returns',
    );
  });
});
