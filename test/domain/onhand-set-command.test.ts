import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/codes.js';
import { measureValues, type OnHandInput, toSetCommand } from '../../src/domain/onhand-command.js';
import { BY_LOCATION, compiledWith, expectFailure } from './helpers.js';
import { event } from './onhand-fixtures.js';

/* toSetCommand (set on-hand: counts) and measureValues. */

describe('toSetCommand', () => {
  const COUNT = event({ quantities: { pos: { inbound: 100 } }, modifiedDateTimeUTC: '2024-03-01T10:00:00Z' });

  it('sets the measures of the data source in the path, at the count time', () => {
    expect(toSetCommand(BY_LOCATION, 'pos', COUNT)).toEqual({
      kind: 'onhand.set',
      eventId: 'Test201',
      organizationId: 'usmf',
      productId: 'T-shirt',
      dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
      partitionId: 'usmf~1~11',
      values: [{ dataSource: 'pos', measure: 'inbound', value: 100_000_000n }],
      countedAt: '2024-03-01T10:00:00.000Z',
    });
  });

  it('matches the inventory system case-insensitively', () => {
    expect(toSetCommand(BY_LOCATION, 'POS', event({ quantities: { Pos: { inbound: 0 } } })).values).toEqual([
      { dataSource: 'pos', measure: 'inbound', value: 0n },
    ]);
  });

  it.each<[string, string, OnHandInput['quantities'], ErrorCode, string]>([
    [
      'quantities of another data source',
      'pos',
      { pos: { inbound: 1 }, iv: { ordered: 1 } },
      'inventory_system_mismatch',
      '/quantities/iv',
    ],
    [
      'the fno inventory system',
      'fno',
      { fno: { physicalinvent: 1 } },
      'data_source_read_only',
      '/quantities/fno',
    ],
    [
      'the @iv inventory system',
      '@iv',
      { '@iv': { '@allocated': 1 } },
      'data_source_read_only',
      '/quantities/@iv',
    ],
    [
      'an unknown inventory system',
      'shopify',
      { shopify: { onhand: 1 } },
      'unknown_data_source',
      '/quantities/shopify',
    ],
    [
      'a calculated measure',
      'pos',
      { pos: { availquantity: 1 } },
      'calculated_measure_not_writable',
      '/quantities/pos/availquantity',
    ],
    ['nothing to set', 'pos', {}, 'no_quantities', '/quantities'],
  ])('rejects %s', (_name, system, quantities, code, path) => {
    expectFailure(() => toSetCommand(BY_LOCATION, system, event({ quantities })), code, path);
  });

  it.each<[string | undefined, string | null]>([
    ['2024-03-01T10:00:00Z', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01T10:00:00.5Z', '2024-03-01T10:00:00.500Z'],
    ['2024-03-01T10:00:00.1234567Z', '2024-03-01T10:00:00.123Z'],
    ['2024-03-01T12:00:00+02:00', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01T05:00:00-0500', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01T10:00:00', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01 10:00:00', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01T10:00', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    [' 2024-03-01T10:00:00Z ', '2024-03-01T10:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0001-01-01T02:00:00+02:00', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['9999-12-31T21:00:00-02:00', '9999-12-31T23:00:00.000Z'],
    ['', null],
    [undefined, null],
  ])('reads modifiedDateTimeUTC %j as %j (UTC when no offset is given)', (value, countedAt) => {
    const input = value === undefined ? event({}) : event({ modifiedDateTimeUTC: value });
    expect(toSetCommand(BY_LOCATION, 'pos', input).countedAt).toBe(countedAt);
  });

  it.each([
    'yesterday',
    '01/03/2024',
    '2024-3-1',
    '2024-13-01T00:00:00Z',
    '2024-00-10',
    '2024-03-00',
    '2024-02-30T00:00:00Z',
    '2023-02-29',
    '2024-04-31T10:00:00+02:00',
    '2024-03-01T25:00:00Z',
    '2024-03-01T10:60:00Z',
    '2024-03-01T10:00:00+25:00',
    '1709287200',
    // Outside years 0001 … 9999 in UTC (issue 20: +010000-… sorted before every other count).
    '9999-12-31T23:00:00-02:00',
    '9999-12-31T23:59:59.9999-00:01',
    '0001-01-01T00:00:00+00:01',
    '0000-12-31T23:59:59Z',
    '0000-06-01',
  ])('rejects modifiedDateTimeUTC %j', (value) => {
    expectFailure(
      () => toSetCommand(BY_LOCATION, 'pos', event({ modifiedDateTimeUTC: value })),
      'invalid_datetime',
      '/modifiedDateTimeUTC',
    );
  });
});

describe('measureValues', () => {
  it('resolves quantities without an inventory system to any writable data source', () => {
    expect(measureValues(BY_LOCATION, { iom: { OnHand: 4 }, erp: { unrestricted: '1e2' } }, '/q')).toEqual([
      { dataSource: 'iom', measure: 'onhand', value: 4_000_000n },
      { dataSource: 'erp', measure: 'unrestricted', value: 100_000_000n },
    ]);
  });

  it('rejects a data source that is only written by Onhand itself, whatever its name after @', () => {
    const config = compiledWith((c) => {
      c.inventorySystemConfigurations['@custom'] = {
        dataSourceName: '@custom',
        dimensionMappings: {},
        physicalMeasures: ['x'],
        calculatedMeasures: {},
        reservMappings: {},
      };
    });
    expectFailure(
      () => measureValues(config, { '@custom': { x: 1 } }, '/q'),
      'data_source_read_only',
      '/q/@custom',
    );
  });
});
