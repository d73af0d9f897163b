import { describe, expect, it } from 'vitest';
import {
  isPartitionSchemaVersion,
  onHandWithoutLocation,
  PARTITION_SCHEMAS,
  partitionRuleOf,
} from '../../src/domain/config/partition-schema.js';
import { toChangeCommand, toSetCommand } from '../../src/domain/onhand-command.js';
import { toReserveCommand } from '../../src/domain/reservation/reserve-command.js';
import { toScheduleCommand } from '../../src/domain/schedule/schedule-command.js';
import { compiledWith, expectFailure, runtimeWith } from './helpers.js';
import { atpConfig } from './schedule-helpers.js';

/** Partition schemas and modes of spec §1.8. */

describe('partitionRuleOf and onHandWithoutLocation', () => {
  it.each([
    ['ByLocation', false, true, 'byLocation', false],
    ['ByLocation', true, true, 'byLocation', true],
    ['ByLocationAndProductIdMod64', true, true, 'byLocation', true],
    ['ByLocationAndProductIdMod64', false, true, 'byLocation', false],
    ['ByLocationAndProductIdMod64', true, false, 'byLocation', false],
    ['byProductId', true, false, 'byProduct', false],
    ['ByProductId', true, true, 'byProduct', false],
    ['BYPRODUCTID', false, false, 'byProduct', false],
  ] as const)(
    '%s with useProductId %s, useDimensions %s: %s, on-hand without location %s',
    (version, useProductId, useDimensions, rule, lenient) => {
      const runtime = runtimeWith((c) => {
        c.cachePartitionIdVersion = version;
        c.partitionConfiguration = { useProductId, useDimensions };
      });
      expect(partitionRuleOf(runtime)).toBe(rule);
      expect(onHandWithoutLocation(runtime, partitionRuleOf(runtime))).toBe(lenient);
    },
  );

  it('knows schema versions 1 and 2 only', () => {
    expect([0, 1, 2, 3].map(isPartitionSchemaVersion)).toEqual([false, true, true, false]);
    expect(PARTITION_SCHEMAS[2].cachePartitionIdVersion).toBe('ByLocationAndProductIdMod64');
  });
});

describe('writes without siteId and locationId under ByLocationAndProductIdMod64 with both flags', () => {
  const config = compiledWith((c) => {
    c.cachePartitionIdVersion = 'ByLocationAndProductIdMod64';
    c.partitionConfiguration = { useProductId: true, useDimensions: true };
  });
  const input = {
    id: 'e1',
    organizationId: 'usmf',
    productId: 'p',
    dimensions: { colorId: 'red' },
    quantities: { pos: { inbound: 1 } },
  };

  it('accepts on-hand changes and counts, kept with an empty site and location', () => {
    for (const command of [toChangeCommand(config, input), toSetCommand(config, 'pos', input)]) {
      expect(command.dimensions).toEqual({ colorid: 'red' });
      expect(command.partitionId).toBe('usmf~~');
    }
  });

  it('still refuses reservations and schedules without them', () => {
    expectFailure(
      () =>
        toReserveCommand(
          config,
          {
            id: 'r',
            organizationId: 'usmf',
            productId: 'p',
            dimensions: {},
            modifier: 'softreserved',
            quantity: 1,
          },
          new Date(),
        ),
      'missing_partition_dimension',
      '/dimensions/siteid',
    );
    const atp = atpConfig((c) => {
      c.cachePartitionIdVersion = 'ByLocationAndProductIdMod64';
      c.partitionConfiguration = { useProductId: true, useDimensions: true };
    });
    expectFailure(
      () =>
        toScheduleCommand(
          atp,
          { ...input, quantitiesByDate: { '2023-09-09': { iv: { ordered: 1 } } } },
          '2023-09-08',
        ),
      'missing_partition_dimension',
      '/dimensions/siteid',
    );
  });
});
