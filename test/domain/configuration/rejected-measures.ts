import type { ErrorCode } from '../../../src/domain/codes.js';
import type { RuntimeConfiguration } from '../../../src/domain/config/runtime-configuration.js';
import { POS_CALC, pos } from './config-fixtures.js';

/** Configurations compileConfiguration rejects, part 1: formulas, names, dimension mappings, partition and index sets. */
export const REJECTED_MEASURES_AND_DIMENSIONS: [
  string,
  (c: RuntimeConfiguration) => void,
  ErrorCode,
  string,
][] = [
  [
    'a formula referring to an unknown measure',
    (c) => {
      pos(c).calculatedMeasures.availquantity!.additionModifiers.push('pos.returns');
    },
    'unknown_measure_reference',
    `${POS_CALC}/additionModifiers/2`,
  ],
  [
    'a formula referring to an unknown data source',
    (c) => {
      pos(c).calculatedMeasures.availquantity!.subtractionModifiers = ['shopify.sold'];
    },
    'unknown_measure_reference',
    `${POS_CALC}/subtractionModifiers/0`,
  ],
  [
    'a calculated measure used as a modifier',
    (c) => {
      pos(c).calculatedMeasures.availquantity!.subtractionModifiers.push('iv.totalonhand');
    },
    'nested_calculated_measure',
    `${POS_CALC}/subtractionModifiers/1`,
  ],
  [
    'a calculated measure referring to itself',
    (c) => {
      pos(c).calculatedMeasures.availquantity!.additionModifiers.unshift('pos.availquantity');
    },
    'self_reference',
    `${POS_CALC}/additionModifiers/0`,
  ],
  [
    'a modifier listed twice on one side',
    (c) => {
      pos(c).calculatedMeasures.availquantity!.additionModifiers.push('pos.inbound');
    },
    'duplicate_modifier',
    `${POS_CALC}/additionModifiers/2`,
  ],
  [
    'a modifier both added and subtracted',
    (c) => {
      pos(c).calculatedMeasures.availquantity!.subtractionModifiers.push('fno.availphysical');
    },
    'duplicate_modifier',
    `${POS_CALC}/subtractionModifiers/1`,
  ],
  [
    'a modifier repeated in another casing',
    (c) => {
      pos(c).calculatedMeasures.availquantity!.subtractionModifiers.push('POS.Inbound');
    },
    'duplicate_modifier',
    `${POS_CALC}/subtractionModifiers/1`,
  ],
  [
    'physical measure names differing only in case',
    (c) => {
      pos(c).physicalMeasures.push('Inbound');
    },
    'duplicate_name',
    '/inventorySystemConfigurations/pos/physicalMeasures/2',
  ],
  [
    'data source names differing only in case',
    (c) => {
      c.inventorySystemConfigurations.POS = {
        dataSourceName: 'POS',
        dimensionMappings: {},
        physicalMeasures: ['sold'],
        calculatedMeasures: {},
        reservMappings: {},
      };
    },
    'duplicate_name',
    '/inventorySystemConfigurations/POS',
  ],
  [
    'calculated measure names differing only in case',
    (c) => {
      pos(c).calculatedMeasures.AvailQuantity = {
        additionModifiers: ['pos.inbound'],
        subtractionModifiers: [],
      };
    },
    'duplicate_name',
    '/inventorySystemConfigurations/pos/calculatedMeasures/AvailQuantity',
  ],
  [
    'a name that is both a physical and a calculated measure',
    (c) => {
      pos(c).physicalMeasures.push('availquantity');
    },
    'duplicate_name',
    POS_CALC,
  ],
  [
    'a modifier without a data source',
    (c) => {
      pos(c).calculatedMeasures.availquantity!.additionModifiers = ['inbound'];
    },
    'invalid_measure_reference',
    `${POS_CALC}/additionModifiers/0`,
  ],
  [
    'a modifier with an empty data source',
    (c) => {
      pos(c).calculatedMeasures.availquantity!.additionModifiers = ['.inbound'];
    },
    'invalid_measure_reference',
    `${POS_CALC}/additionModifiers/0`,
  ],
  [
    'a modifier with an empty measure',
    (c) => {
      pos(c).calculatedMeasures.availquantity!.subtractionModifiers = ['pos.'];
    },
    'invalid_measure_reference',
    `${POS_CALC}/subtractionModifiers/0`,
  ],
  [
    'a dimension mapping to a non-base dimension',
    (c) => {
      c.inventorySystemConfigurations.fno!.dimensionMappings.inventcolorid = 'colour';
    },
    'invalid_dimension_mapping',
    '/inventorySystemConfigurations/fno/dimensionMappings/inventcolorid',
  ],
  [
    'a base dimension mapped to another base dimension',
    (c) => {
      pos(c).dimensionMappings.colorid = 'sizeid';
    },
    'invalid_dimension_mapping',
    '/inventorySystemConfigurations/pos/dimensionMappings/colorid',
  ],
  [
    'partition keys without locationid when partitioned by location',
    (c) => {
      c.indexConfiguration.partitionKeyAttributes.keys = ['siteid'];
    },
    'missing_partition_keys',
    '/indexConfiguration/partitionKeyAttributes/keys',
  ],
  [
    'a partition key that is not a base dimension',
    (c) => {
      c.indexConfiguration.partitionKeyAttributes.keys.push('warehouse');
    },
    'invalid_index_set',
    '/indexConfiguration/partitionKeyAttributes/keys/2',
  ],
  [
    'an index set repeating a partition dimension',
    (c) => {
      c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['colorid', 'SiteId'] }];
    },
    'invalid_index_set',
    '/indexConfiguration/indexAttributeSets/0/keys/1',
  ],
  [
    'an index set with an unknown dimension',
    (c) => {
      c.indexConfiguration.indexAttributeSets.push({ setNumber: 2, keys: ['colour'] });
    },
    'invalid_index_set',
    '/indexConfiguration/indexAttributeSets/1/keys/0',
  ],
  [
    'an index set naming a dimension twice',
    (c) => {
      c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['colorid', 'ColorId'] }];
    },
    'invalid_index_set',
    '/indexConfiguration/indexAttributeSets/0/keys/1',
  ],
  [
    'two index sets with one set number',
    (c) => {
      c.indexConfiguration.indexAttributeSets.push({ setNumber: 1, keys: ['sizeid'] });
    },
    'invalid_index_set',
    '/indexConfiguration/indexAttributeSets/1/setNumber',
  ],
  [
    'an ATP index set repeating a partition dimension',
    (c) => {
      c.scheduleConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['locationid'] }];
    },
    'invalid_index_set',
    '/scheduleConfiguration/indexAttributeSets/0/keys/0',
  ],
];
