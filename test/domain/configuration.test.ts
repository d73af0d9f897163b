import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/codes.js';
import {
  compileConfiguration,
  MAX_ATP_PHYSICAL_MEASURES,
  parseMeasureRef,
  partitionRuleOf,
} from '../../src/domain/config/compile-configuration.js';
import { completeConfiguration } from '../../src/domain/config/complete-configuration.js';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';
import { caught, runtimeWith } from './helpers.js';

const SAMPLE_PATH = new URL('../fixtures/runtime-configuration.sample.json', import.meta.url);
const readSample = (): RuntimeConfiguration =>
  JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as RuntimeConfiguration;

/** The detail codes and paths of the invalid_configuration error compiling `config` throws. */
function problemsOf(config: RuntimeConfiguration): { code: ErrorCode; path: string }[] {
  const error = caught(() => compileConfiguration(config));
  expect(error.code).toBe('invalid_configuration');
  return error.details.map(({ code, path }) => ({ code, path }));
}

const FNO_MEASURES = defaultConfiguration('x').inventorySystemConfigurations.fno?.physicalMeasures ?? [];

/** Adds `@iv.@atp` = Σ of the first `n` fno physical measures and makes it the ATP measure. */
function atpOver(n: number) {
  return (c: RuntimeConfiguration) => {
    c.inventorySystemConfigurations['@iv']!.calculatedMeasures['@atp'] = {
      additionModifiers: FNO_MEASURES.slice(0, n).map((m) => `fno.${m}`),
      subtractionModifiers: [],
    };
    c.scheduleConfiguration.atpCalculatedMeasures = { '@iv': { '@atp': 7 } };
  };
}

const pos = (c: RuntimeConfiguration) => c.inventorySystemConfigurations.pos!;
const POS_CALC = '/inventorySystemConfigurations/pos/calculatedMeasures/availquantity';

describe('the default configuration', () => {
  const compiled = compileConfiguration(defaultConfiguration('env-1'));

  it('compiles, partitioned by location on siteid and locationid', () => {
    expect(compiled.environmentId).toBe('env-1');
    expect(compiled.partitionRule).toBe('byLocation');
    expect(compiled.partitionKeys).toEqual(['siteid', 'locationid']);
    expect(compiled.indexSets).toEqual([{ setNumber: 1, keys: ['colorid', 'sizeid', 'styleid'] }]);
    expect(compiled.reservation).toEqual({
      enabled: true,
      version: 0,
      keys: ['siteid', 'locationid', 'colorid', 'sizeid', 'styleid'],
    });
  });

  it('has the generation-B data sources of spec §1.7 and the predefined @iv source', () => {
    expect([...compiled.dataSources.keys()].sort()).toEqual(['@iv', 'erp', 'fno', 'iom', 'iv', 'pos']);
    expect([...(compiled.dataSources.get('pos')?.physicalMeasures ?? [])]).toEqual(['inbound', 'outbound']);
    expect(compiled.dataSources.get('fno')?.dimensionMappings.get('inventdimension7')).toBe(
      'customdimension7',
    );
    expect(compiled.dataSources.get('fno')?.dimensionMappings.get('inventversionid')).toBe('versionid');
    expect(compiled.dataSources.get('iv')?.reservMappings.get('softreserved')).toEqual({
      dataSource: 'iv',
      measure: 'availabletoreserve',
    });
  });

  it('compiles formulas into physical measure references', () => {
    expect(compiled.dataSources.get('pos')?.calculatedMeasures.get('availquantity')).toEqual({
      dataSource: 'pos',
      name: 'availquantity',
      additions: [
        { dataSource: 'fno', measure: 'availphysical' },
        { dataSource: 'pos', measure: 'inbound' },
      ],
      subtractions: [{ dataSource: 'pos', measure: 'outbound' }],
    });
  });

  it('is a fresh object each time', () => {
    const a = defaultConfiguration('a');
    a.inventorySystemConfigurations.pos?.physicalMeasures.push('changed');
    expect(defaultConfiguration('a').inventorySystemConfigurations.pos?.physicalMeasures).toEqual([
      'inbound',
      'outbound',
    ]);
  });
});

describe('the Microsoft sample runtime configuration', () => {
  const compiled = compileConfiguration(readSample());

  it('compiles, partitioned by product', () => {
    expect(compiled.partitionRule).toBe('byProduct');
    expect(compiled.version).toBe(31);
    expect(compiled.environmentId).toBe('1b3ee7f1-f8c6-4654-b889-dfc0c84faf60');
    expect(compiled.indexSets).toEqual([{ setNumber: 2, keys: ['colorid'] }]);
  });

  it('keeps its data sources, mappings and reservation mapping', () => {
    expect([...compiled.dataSources.keys()].sort()).toEqual([
      '@iv',
      'diff',
      'fno',
      'iv',
      'jigua',
      'pos',
      'sda',
    ]);
    expect(compiled.dataSources.get('sda')?.dimensionMappings.get('testcolorid')).toBe('colorid');
    expect(compiled.dataSources.get('@iv')?.reservMappings.get('@softreserved')).toEqual({
      dataSource: '@iv',
      measure: '@available_to_reserve',
    });
  });

  it('returns the runtime JSON it was given when nothing needs lower-casing', () => {
    expect(compiled.runtime).toEqual(readSample());
  });
});

describe('compileConfiguration lower-cases names', () => {
  const compiled = compileConfiguration(
    runtimeWith((c) => {
      delete c.inventorySystemConfigurations.pos;
      c.inventorySystemConfigurations.POS = {
        dataSourceName: 'POS',
        dimensionMappings: { ProductColor: 'ColorId', InventDimension3: 'InventDimension3' },
        physicalMeasures: ['Inbound', 'OutBound'],
        calculatedMeasures: {
          AvailQuantity: {
            additionModifiers: ['FNO.AvailPhysical', 'Pos.Inbound'],
            subtractionModifiers: ['pos.outbound'],
          },
        },
        reservMappings: {},
      };
      c.indexConfiguration.partitionKeyAttributes.keys = ['SiteId', 'LocationId'];
      c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['ColorId', 'SizeId'] }];
      c.reservConfiguration.keys = ['SiteId', 'LocationId', 'ColorId'];
      c.allocationConfiguration.availableToAllocateCalculation = { 'IV.Ordered': 'addition' };
    }),
  );

  it('in the runtime JSON', () => {
    const source = compiled.runtime.inventorySystemConfigurations.pos;
    expect(source).toEqual({
      dataSourceName: 'pos',
      dimensionMappings: { productcolor: 'colorid', inventdimension3: 'inventdimension3' },
      physicalMeasures: ['inbound', 'outbound'],
      calculatedMeasures: {
        availquantity: {
          additionModifiers: ['fno.availphysical', 'pos.inbound'],
          subtractionModifiers: ['pos.outbound'],
        },
      },
      reservMappings: {},
    });
    expect(compiled.runtime.inventorySystemConfigurations.POS).toBeUndefined();
    expect(compiled.runtime.indexConfiguration.partitionKeyAttributes.keys).toEqual(['siteid', 'locationid']);
    expect(compiled.runtime.reservConfiguration.keys).toEqual(['siteid', 'locationid', 'colorid']);
    expect(compiled.runtime.allocationConfiguration.availableToAllocateCalculation).toEqual({
      'iv.ordered': 'addition',
    });
  });

  it('in the compiled lookups, resolving aliases to base dimensions', () => {
    const source = compiled.dataSources.get('pos');
    expect(source?.dimensionMappings.get('productcolor')).toBe('colorid');
    expect(source?.dimensionMappings.get('inventdimension3')).toBe('customdimension3');
    expect(source?.physicalMeasures.has('outbound')).toBe(true);
    expect(compiled.indexSets).toEqual([{ setNumber: 1, keys: ['colorid', 'sizeid'] }]);
  });

  it('but keeps the case of allocation group names', () => {
    expect(compiled.runtime.allocationConfiguration.groups).toEqual([
      'channel',
      'customerGroup',
      'region',
      'orderType',
    ]);
    expect(compiled.runtime.allocationConfiguration.groupsOrder).toHaveProperty('customerGroup', 'g1');
  });

  it('without changing its input', () => {
    const input = runtimeWith((c) => {
      c.inventorySystemConfigurations.pos!.physicalMeasures = ['Inbound', 'Outbound'];
    });
    const before = structuredClone(input);
    compileConfiguration(input);
    expect(input).toEqual(before);
  });
});

describe('compileConfiguration accepts', () => {
  it.each<[string, (c: RuntimeConfiguration) => void]>([
    [
      'an index set with the Empty dimension',
      (c) => {
        c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['Empty'] }];
      },
    ],
    [
      'no index set at all (queries then fail)',
      (c) => {
        c.indexConfiguration.indexAttributeSets = [];
      },
    ],
    [
      'schedulePeriodInDays 1',
      (c) => {
        c.scheduleConfiguration.schedulePeriodInDays = 1;
      },
    ],
    [
      'schedulePeriodInDays 180',
      (c) => {
        c.scheduleConfiguration.schedulePeriodInDays = 180;
      },
    ],
    [
      `ATP measures using ${MAX_ATP_PHYSICAL_MEASURES} distinct physical measures`,
      atpOver(MAX_ATP_PHYSICAL_MEASURES),
    ],
    [
      'two ATP measures sharing physical measures (counted once)',
      (c) => {
        atpOver(6)(c);
        c.inventorySystemConfigurations.pos!.calculatedMeasures.atp2 = {
          additionModifiers: FNO_MEASURES.slice(4, 8).map((m) => `fno.${m}`),
          subtractionModifiers: [],
        };
        c.scheduleConfiguration.atpCalculatedMeasures.pos = { atp2: 7 };
      },
    ],
    [
      'the partition keys in the other order',
      (c) => {
        c.indexConfiguration.partitionKeyAttributes.keys = ['LocationId', 'SiteId'];
      },
    ],
    [
      'partitioned by product with the partition keys of the vendor sample',
      (c) => {
        c.cachePartitionIdVersion = 'byProductId';
      },
    ],
    [
      'a reservation mapping to an available-for-reservation measure of another data source',
      (c) => {
        c.inventorySystemConfigurations.pos!.calculatedMeasures.afr = {
          additionModifiers: ['pos.inbound'],
          subtractionModifiers: ['pos.outbound', 'iv.softreserved'],
        };
        c.inventorySystemConfigurations.iv!.reservMappings = { softreserved: 'pos.afr' };
      },
    ],
    [
      '8 allocation groups on levels g0 … g7',
      (c) => {
        c.allocationConfiguration.groups = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
        c.allocationConfiguration.groupsOrder = Object.fromEntries(
          ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((g, i) => [g, `g${i}`]),
        );
      },
    ],
    [
      'reservation keys without site/location when reservations are off',
      (c) => {
        c.reservConfiguration.keys = ['colorid'];
        c.reservConfiguration.isReservEnabled = false;
      },
    ],
    [
      'reservation keys without site/location when partitioned by product',
      (c) => {
        c.reservConfiguration.keys = ['colorid'];
        c.cachePartitionIdVersion = 'ByProductId';
      },
    ],
    [
      'partition keys without site/location when partitioned by product',
      (c) => {
        c.indexConfiguration.partitionKeyAttributes.keys = [];
        c.cachePartitionIdVersion = 'byProductId';
      },
    ],
    [
      'a modifier from another data source',
      (c) => {
        pos(c).calculatedMeasures.availquantity!.additionModifiers.push('iom.onhand');
      },
    ],
    [
      'a measure name with a space',
      (c) => {
        c.inventorySystemConfigurations.iv!.physicalMeasures.push('total ordered');
        c.inventorySystemConfigurations.iv!.calculatedMeasures.totalordered = {
          additionModifiers: ['iv.total ordered'],
          subtractionModifiers: [],
        };
      },
    ],
  ])('%s', (_name, edit) => {
    expect(() => compileConfiguration(runtimeWith(edit))).not.toThrow();
  });
});

describe('compileConfiguration rejects', () => {
  it.each<[string, (c: RuntimeConfiguration) => void, ErrorCode, string]>([
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
  ])('%s', (_name, edit, code, path) => {
    const problems = problemsOf(runtimeWith(edit));
    expect(problems).toContainEqual({ code, path });
    // Nothing unrelated is reported (a bad level also leaves a gap in the levels: same code, two details).
    expect(problems.filter((p) => p.code !== code)).toEqual([]);
  });

  it('reports every problem at once, each with its own code and path', () => {
    const error = caught(() =>
      compileConfiguration(
        runtimeWith((c) => {
          c.scheduleConfiguration.schedulePeriodInDays = 0;
          pos(c).physicalMeasures.push('INBOUND');
          c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['siteid'] }];
        }),
      ),
    );
    expect(error.details.map((d) => d.code).sort()).toEqual([
      'duplicate_name',
      'invalid_index_set',
      'invalid_schedule_period',
    ]);
    expect(error.message).toMatch(/and 2 more/);
  });
});

describe('a configuration read back from the store (stored: true)', () => {
  // Saved before issue 20's rules: it must keep loading, or its environment could not be used at all.
  const saved = runtimeWith((c) => {
    c.indexConfiguration.partitionKeyAttributes.keys = ['siteid', 'locationid', 'colorid'];
    c.indexConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['sizeid'] }];
    c.scheduleConfiguration.indexAttributeSets = [{ setNumber: 1, keys: ['sizeid'] }];
    c.inventorySystemConfigurations.iv!.calculatedMeasures.availabletoreserve!.subtractionModifiers = [];
  });

  it('is refused when installed', () => {
    expect(problemsOf(saved).map((p) => p.code)).toEqual([
      'unsupported_partition_key',
      'reserved_measure_not_subtracted',
    ]);
  });

  it('still compiles when read back, with the partition keys it was saved with', () => {
    expect(compileConfiguration(saved, { stored: true }).partitionKeys).toEqual([
      'siteid',
      'locationid',
      'colorid',
    ]);
  });

  it('still gets every other rule', () => {
    const broken = structuredClone(saved);
    broken.scheduleConfiguration.schedulePeriodInDays = 0;
    expect(caught(() => compileConfiguration(broken, { stored: true })).details.map((d) => d.code)).toEqual([
      'invalid_schedule_period',
    ]);
  });
});

describe('partitionRuleOf', () => {
  it.each([
    ['byProductId', 'byProduct'],
    ['ByProductId', 'byProduct'],
    ['BYPRODUCTID', 'byProduct'],
    ['ByLocation', 'byLocation'],
    ['ByLocationAndProductIdMod64', 'byLocation'],
    ['', 'byLocation'],
  ])('reads cachePartitionIdVersion %j as %s', (value, rule) => {
    expect(
      partitionRuleOf(
        runtimeWith((c) => {
          c.cachePartitionIdVersion = value;
        }),
      ),
    ).toBe(rule);
  });
});

describe('parseMeasureRef', () => {
  it.each([
    ['pos.inbound', { dataSource: 'pos', measure: 'inbound' }],
    ['@iv.@allocated', { dataSource: '@iv', measure: '@allocated' }],
    ['iv.total ordered', { dataSource: 'iv', measure: 'total ordered' }],
    ['erp.quality.inspection', { dataSource: 'erp', measure: 'quality.inspection' }],
    ['inbound', undefined],
    ['.inbound', undefined],
    ['pos.', undefined],
    ['', undefined],
  ])('%j → %j', (text, ref) => {
    expect(parseMeasureRef(text)).toEqual(ref);
  });
});

describe('completeConfiguration', () => {
  it('fills every omitted part from the default', () => {
    const runtime = completeConfiguration('env-2', {
      inventorySystemConfigurations: structuredClone(defaultConfiguration('x').inventorySystemConfigurations),
    });
    expect(runtime).toEqual(defaultConfiguration('env-2'));
  });

  it('fills the omitted fields of a part that is given, and keeps the ones given', () => {
    const runtime = completeConfiguration('env-2', {
      inventorySystemConfigurations: {},
      scheduleConfiguration: { schedulePeriodInDays: 90 },
      cachePartitionIdVersion: 'byProductId',
    });
    expect(runtime.scheduleConfiguration).toEqual({
      ...defaultConfiguration('env-2').scheduleConfiguration,
      schedulePeriodInDays: 90,
    });
    expect(runtime.cachePartitionIdVersion).toBe('byProductId');
    expect(runtime.indexConfiguration).toEqual(defaultConfiguration('env-2').indexConfiguration);
  });

  it('takes data sources only from the input, filling their omitted fields', () => {
    const runtime = completeConfiguration('env-2', {
      inventorySystemConfigurations: {
        shop: {
          physicalMeasures: ['sold'],
          calculatedMeasures: { net: { subtractionModifiers: ['shop.sold'] } },
        },
      },
    });
    expect(runtime.inventorySystemConfigurations).toEqual({
      shop: {
        dataSourceName: 'shop',
        dimensionMappings: {},
        physicalMeasures: ['sold'],
        calculatedMeasures: { net: { additionModifiers: [], subtractionModifiers: ['shop.sold'] } },
        reservMappings: {},
      },
    });
  });

  it('sets the environment id from the path, not the body', () => {
    expect(
      completeConfiguration('env-2', { environmentId: 'other', inventorySystemConfigurations: {} })
        .environmentId,
    ).toBe('env-2');
  });

  it('completes the sample into a configuration that compiles to the same thing', () => {
    const sample = readSample();
    expect(compileConfiguration(completeConfiguration(sample.environmentId, sample)).runtime).toEqual(sample);
  });

  it('completes a minimal hard update into a configuration that compiles', () => {
    const compiled = compileConfiguration(
      completeConfiguration('env-2', {
        inventorySystemConfigurations: {
          shop: {
            physicalMeasures: ['inbound', 'sold'],
            calculatedMeasures: {
              available: { additionModifiers: ['shop.inbound'], subtractionModifiers: ['shop.sold'] },
            },
          },
        },
        allocationConfiguration: { availableToAllocateCalculation: { 'shop.inbound': 'addition' } },
      }),
    );
    expect(compiled.partitionRule).toBe('byLocation');
    expect([...compiled.dataSources.keys()]).toEqual(['shop']);
  });
});
