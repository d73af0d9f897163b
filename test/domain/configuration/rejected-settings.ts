import type { ErrorCode } from '../../../src/domain/codes.js';
import { MAX_ATP_PHYSICAL_MEASURES } from '../../../src/domain/config/compile-configuration.js';
import type { RuntimeConfiguration } from '../../../src/domain/config/runtime-configuration.js';
import { atpOver, pos } from './config-fixtures.js';

/** Configurations compileConfiguration rejects, part 2: reservation keys, schedules, ATP, allocation, reservation mappings, data source names. */
export const REJECTED_SETTINGS: [string, (c: RuntimeConfiguration) => void, ErrorCode, string][] = [
  [
    'reservation keys without site and location',
    (c) => {
      c.reservConfiguration.keys = ['colorid', 'sizeid'];
    },
    'missing_partition_keys',
    '/reservConfiguration/keys',
  ],
  [
    'a reservation key that is not a base dimension',
    (c) => {
      c.reservConfiguration.keys.push('channel');
    },
    'invalid_index_set',
    '/reservConfiguration/keys/5',
  ],
  [
    'a reservation key listed twice',
    (c) => {
      c.reservConfiguration.keys.push('ColorId');
    },
    'duplicate_name',
    '/reservConfiguration/keys/5',
  ],
  [
    'schedulePeriodInDays 0',
    (c) => {
      c.scheduleConfiguration.schedulePeriodInDays = 0;
    },
    'invalid_schedule_period',
    '/scheduleConfiguration/schedulePeriodInDays',
  ],
  [
    'schedulePeriodInDays 181',
    (c) => {
      c.scheduleConfiguration.schedulePeriodInDays = 181;
    },
    'invalid_schedule_period',
    '/scheduleConfiguration/schedulePeriodInDays',
  ],
  [
    'ATP measures using 9 distinct physical measures',
    atpOver(MAX_ATP_PHYSICAL_MEASURES + 1),
    'too_many_atp_measures',
    '/scheduleConfiguration/atpCalculatedMeasures',
  ],
  [
    'an ATP measure that is not a calculated measure',
    (c) => {
      c.scheduleConfiguration.atpCalculatedMeasures = { pos: { inbound: 7 } };
    },
    'unknown_measure_reference',
    '/scheduleConfiguration/atpCalculatedMeasures/pos/inbound',
  ],
  [
    '9 allocation groups',
    (c) => {
      c.allocationConfiguration.groups.push('df', 'e', 'f', 'g', 'h');
    },
    'invalid_allocation_groups',
    '/allocationConfiguration/groups',
  ],
  [
    'an allocation level outside g0 … g7',
    (c) => {
      c.allocationConfiguration.groups.push('df');
      c.allocationConfiguration.groupsOrder.df = 'g8';
    },
    'invalid_allocation_groups',
    '/allocationConfiguration/groupsOrder/df',
  ],
  [
    'an allocation level that is not a level',
    (c) => {
      c.allocationConfiguration.groups.push('df');
      c.allocationConfiguration.groupsOrder.df = 'Group4';
    },
    'invalid_allocation_groups',
    '/allocationConfiguration/groupsOrder/df',
  ],
  [
    'an allocation level used twice',
    (c) => {
      c.allocationConfiguration.groups.push('df');
      c.allocationConfiguration.groupsOrder.df = 'g3';
    },
    'invalid_allocation_groups',
    '/allocationConfiguration/groupsOrder/df',
  ],
  [
    'allocation levels with a gap',
    (c) => {
      c.allocationConfiguration.groups.push('df');
      c.allocationConfiguration.groupsOrder.df = 'g5';
    },
    'invalid_allocation_groups',
    '/allocationConfiguration/groupsOrder',
  ],
  [
    'a level for a group that is not in groups',
    (c) => {
      c.allocationConfiguration.groupsOrder.web = 'g4';
    },
    'invalid_allocation_groups',
    '/allocationConfiguration/groupsOrder/web',
  ],
  [
    'allocation group names differing only in case',
    (c) => {
      c.allocationConfiguration.groups.push('Channel');
    },
    'duplicate_name',
    '/allocationConfiguration/groups/4',
  ],
  [
    'an available-to-allocate entry on an unknown measure',
    (c) => {
      c.allocationConfiguration.availableToAllocateCalculation['pos.sold'] = 'addition';
    },
    'unknown_measure_reference',
    '/allocationConfiguration/availableToAllocateCalculation/pos.sold',
  ],
  [
    'an available-to-allocate entry that neither adds nor subtracts',
    (c) => {
      c.allocationConfiguration.availableToAllocateCalculation['pos.inbound'] = 'plus';
    },
    'invalid_configuration',
    '/allocationConfiguration/availableToAllocateCalculation/pos.inbound',
  ],
  [
    'a reservation mapping from a measure that is not physical',
    (c) => {
      c.inventorySystemConfigurations.iv!.reservMappings = { reserved: 'iv.availabletoreserve' };
    },
    'unknown_measure_reference',
    '/inventorySystemConfigurations/iv/reservMappings/reserved',
  ],
  [
    'a reservation mapping to a measure that is not calculated',
    (c) => {
      c.inventorySystemConfigurations.iv!.reservMappings = { softreserved: 'iv.ordered' };
    },
    'unknown_measure_reference',
    '/inventorySystemConfigurations/iv/reservMappings/softreserved',
  ],
  [
    'a partition key besides siteid and locationid (issue 20: the check would skip the level without it)',
    (c) => {
      c.indexConfiguration.partitionKeyAttributes.keys = ['siteid', 'locationid', 'colorid'];
      c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['sizeid'] }];
      c.scheduleConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['sizeid'] }];
    },
    'unsupported_partition_key',
    '/indexConfiguration/partitionKeyAttributes/keys/2',
  ],
  [
    'a partition key other than siteid and locationid when partitioned by product',
    (c) => {
      c.cachePartitionIdVersion = 'byProductId';
      c.indexConfiguration.partitionKeyAttributes.keys = ['ColorId'];
      c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['sizeid'] }];
      c.scheduleConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['sizeid'] }];
    },
    'unsupported_partition_key',
    '/indexConfiguration/partitionKeyAttributes/keys/0',
  ],
  [
    'an available-for-reservation measure that does not subtract the reserved measure',
    (c) => {
      const afr = c.inventorySystemConfigurations.iv!.calculatedMeasures.availabletoreserve!;
      afr.subtractionModifiers = afr.subtractionModifiers.filter((m) => m !== 'iv.softreserved');
    },
    'reserved_measure_not_subtracted',
    '/inventorySystemConfigurations/iv/reservMappings/softreserved',
  ],
  [
    'an available-for-reservation measure that adds the reserved measure',
    (c) => {
      const afr = c.inventorySystemConfigurations.iv!.calculatedMeasures.availabletoreserve!;
      afr.subtractionModifiers = afr.subtractionModifiers.filter((m) => m !== 'iv.softreserved');
      afr.additionModifiers.push('IV.SoftReserved');
    },
    'reserved_measure_not_subtracted',
    '/inventorySystemConfigurations/iv/reservMappings/softreserved',
  ],
  [
    'a dataSourceName that differs from its key',
    (c) => {
      pos(c).dataSourceName = 'store';
    },
    'invalid_configuration',
    '/inventorySystemConfigurations/pos/dataSourceName',
  ],
  [
    'a data source name with a dot',
    (c) => {
      c.inventorySystemConfigurations['pos.eu'] = {
        dataSourceName: 'pos.eu',
        dimensionMappings: {},
        physicalMeasures: [],
        calculatedMeasures: {},
        reservMappings: {},
      };
    },
    'invalid_configuration',
    '/inventorySystemConfigurations/pos.eu',
  ],
];
