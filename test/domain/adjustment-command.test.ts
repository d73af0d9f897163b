import { describe, expect, it } from 'vitest';
import {
  type AdjustmentInput,
  toAdjustmentCommand,
} from '../../src/domain/adjustments/adjustment-command.js';
import { BY_LOCATION, expectFailure } from './helpers.js';

const input = (fields: Partial<AdjustmentInput> = {}): AdjustmentInput => ({
  id: 'adj-1',
  organizationId: 'usmf',
  productId: 'Kettle',
  quantityDataSource: 'pos',
  physicalMeasure: 'Inbound',
  dimensions: { SiteId: '1', LocationId: '11', ColorId: 'red' },
  quantity: '2.5',
  ...fields,
});

describe('business-layer adjustments (spec §2.11)', () => {
  it('become the on-hand change event adj~<id> of their measure, dimensions and exact quantity', () => {
    const command = toAdjustmentCommand(
      BY_LOCATION,
      input({ costPrice: '12.50', transDate: '2024-05-01' }),
      '/0',
    );
    expect(command).toMatchObject({
      lineId: 'adj-1',
      partitionId: expect.stringContaining('1'),
      dataSource: 'pos',
      measure: 'inbound',
      dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
      quantity: 2_500_000n,
      costPrice: '12.5',
      transDate: '2024-05-01',
      externalReferenceId: null,
    });
    expect(command.onHand).toMatchObject({ id: 'adj~adj-1', quantities: { pos: { Inbound: '2.5' } } });
  });

  it.each([
    [{ physicalMeasure: 'nope' }, 'unknown_measure', '/0/quantities/pos/nope'],
    [{ quantityDataSource: 'fno', physicalMeasure: 'arrived' }, 'data_source_read_only', '/0/quantities/fno'],
    [{ quantity: 'ten' }, 'invalid_quantity', '/0/quantities/pos/Inbound'],
    [{ dimensions: { ColorId: 'red' } }, 'missing_partition_dimension', '/0/dimensions/siteid'],
    [{ transDate: 'May 1st' }, 'invalid_date', '/0/transDate'],
    [{ costPrice: 'cheap' }, 'invalid_quantity', '/0/costPrice'],
    [{ id: 'x'.repeat(253) }, 'value_too_long', '/0/id'],
  ] as const)('refuses %j', (change, code, path) => {
    expectFailure(() => toAdjustmentCommand(BY_LOCATION, input(change), '/0'), code, path);
  });
});
