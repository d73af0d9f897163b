import { describe, expect, it } from 'vitest';
import {
  type AllocationInput,
  canonicalAllocationInput,
  toAllocationCommand,
} from '../../src/domain/allocation/allocation-command.js';
import type { ErrorCode } from '../../src/domain/codes.js';
import { BY_LOCATION, BY_PRODUCT, compiledWith, expectFailure } from './helpers.js';

/* toAllocationCommand: an allocation request (allocate, reallocate, consume) validated and turned into a command. */

const INPUT: AllocationInput = {
  id: 'test101',
  organizationId: 'usmf',
  productId: 'Bike',
  groups: { channel: 'Online', customerGroup: 'VIP', region: 'US' },
  quantity: 10,
  dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
};
const input = (changes: Partial<AllocationInput>): AllocationInput => ({ ...INPUT, ...changes });

describe('toAllocationCommand', () => {
  it('validates the spec §4.3 example', () => {
    const c = toAllocationCommand(BY_LOCATION, 'allocate', INPUT);
    expect(c).toMatchObject({
      kind: 'allocate',
      eventId: 'test101',
      dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
      partitionId: 'usmf~1~11',
      groups: ['Online', 'VIP', 'US'],
      sourceGroups: null,
      quantity: 10_000_000n,
      measures: [],
    });
  });

  it('reads targetGroups as groups, and sourceGroups for a reallocation', () => {
    const { groups, ...rest } = INPUT;
    const c = toAllocationCommand(BY_LOCATION, 'reallocate', {
      ...rest,
      sourceGroups: { channel: 'Online' },
      targetGroups: groups ?? {},
    });
    expect([c.sourceGroups, c.groups]).toEqual([['Online'], ['Online', 'VIP', 'US']]);
    expect(canonicalAllocationInput({ ...rest, targetGroups: groups ?? {} })).toEqual(
      canonicalAllocationInput(INPUT),
    );
  });

  it('does not need site and location when partitioned by product', () => {
    const c = toAllocationCommand(BY_PRODUCT, 'allocate', input({ dimensions: { colorId: 'red' } }));
    expect(c.partitionId).toBe('usmf~Bike');
  });

  it('turns consume modifiers into signed on-hand changes', () => {
    const c = toAllocationCommand(
      BY_LOCATION,
      'consume',
      input({
        physicalMeasures: {
          POS: { Inbound: 'subtraction' },
          pos: { outbound: 'Addition' },
          iom: { onhand: 'Addition' },
        },
      }),
    );
    expect(c.measures).toEqual([
      { dataSource: 'pos', measure: 'inbound', sign: -1n, reserveAt: null },
      { dataSource: 'pos', measure: 'outbound', sign: 1n, reserveAt: null },
      { dataSource: 'iom', measure: 'onhand', sign: 1n, reserveAt: null },
    ]);
    // physicalMeasures mean nothing to the other kinds (their schemas refuse the field).
    expect(
      toAllocationCommand(BY_LOCATION, 'allocate', input({ physicalMeasures: { pos: { inbound: 'x' } } }))
        .measures,
    ).toEqual([]);
  });

  it.each<[string, Partial<AllocationInput>, ErrorCode, string]>([
    ['zero', { quantity: 0 }, 'invalid_quantity', '/quantity'],
    ['negative', { quantity: '-1' }, 'invalid_quantity', '/quantity'],
    ['no location', { dimensions: { siteId: '1' } }, 'missing_partition_dimension', '/dimensions/locationid'],
    ['both spellings', { targetGroups: { channel: 'x' } }, 'invalid_request', '/targetGroups'],
    ['an unknown group', { groups: { nope: 'x' } }, 'unknown_allocation_group', '/groups/nope'],
    [
      'wrong sign',
      { physicalMeasures: { pos: { inbound: 'Addition' } } },
      'invalid_consume_measure',
      '/physicalMeasures/pos/inbound',
    ],
    [
      'bad modifier',
      { physicalMeasures: { pos: { inbound: 'less' } } },
      'invalid_consume_measure',
      '/physicalMeasures/pos/inbound',
    ],
    [
      'fno',
      { physicalMeasures: { fno: { arrived: 'Subtraction' } } },
      'data_source_read_only',
      '/physicalMeasures/fno/arrived',
    ],
    [
      'a reserved measure subtracted',
      { physicalMeasures: { iv: { softreserved: 'Subtraction' } } },
      'reserved_measure_not_writable',
      '/physicalMeasures/iv/softreserved',
    ],
    [
      'twice',
      { physicalMeasures: { pos: { inbound: 'Subtraction', INBOUND: 'Subtraction' } } },
      'invalid_request',
      '/physicalMeasures/pos/INBOUND',
    ],
  ])('refuses a consume with %s', (_name, change, code, path) => {
    expectFailure(() => toAllocationCommand(BY_LOCATION, 'consume', input(change)), code, path);
  });

  it('consumes a reserved measure as a soft reservation at the reservation dimensions', () => {
    const c = toAllocationCommand(
      BY_LOCATION,
      'consume',
      input({ physicalMeasures: { iv: { softreserved: 'Addition' } } }),
    );
    expect(c.measures).toEqual([
      {
        dataSource: 'iv',
        measure: 'softreserved',
        sign: 1n,
        reserveAt: { colorid: 'red', locationid: '11', siteid: '1' },
      },
    ]);
    const noReservations = compiledWith((r) => {
      r.reservConfiguration.isReservEnabled = false;
      r.reservConfiguration.isEnabled = false;
    });
    expectFailure(
      () =>
        toAllocationCommand(
          noReservations,
          'consume',
          input({ physicalMeasures: { iv: { softreserved: 'Addition' } } }),
        ),
      'reservation_disabled',
      '/physicalMeasures/iv/softreserved',
    );
    expectFailure(
      () =>
        toAllocationCommand(
          BY_LOCATION,
          'consume',
          input({
            dimensions: { siteId: '1', locationId: '11', batchId: 'b1' },
            physicalMeasures: { iv: { softreserved: 'Addition' } },
          }),
        ),
      'dimension_not_in_reservation_hierarchy',
      '/dimensions/batchid',
    );
  });

  it('refuses a reallocation to the same path, and one without sourceGroups', () => {
    expectFailure(
      () =>
        toAllocationCommand(
          BY_LOCATION,
          'reallocate',
          input({ sourceGroups: { CHANNEL: 'Online', customerGroup: 'VIP', region: 'US' } }),
        ),
      'reallocate_same_group',
      '/groups',
    );
    expectFailure(
      () => toAllocationCommand(BY_LOCATION, 'reallocate', INPUT),
      'missing_allocation_groups',
      '/sourceGroups',
    );
  });

  it('prefixes error paths with the item path of a bulk request', () => {
    expectFailure(
      () => toAllocationCommand(BY_LOCATION, 'allocate', input({ quantity: 0 }), '/3'),
      'invalid_quantity',
      '/3/quantity',
    );
  });
});
