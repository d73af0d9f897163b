import { describe, expect, it } from 'vitest';
import {
  compileConfiguration,
  MAX_ATP_PHYSICAL_MEASURES,
} from '../../src/domain/config/compile-configuration.js';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';
import { atpOver, FNO_MEASURES, pos, readSample } from './configuration/config-fixtures.js';
import { runtimeWith } from './helpers.js';

/* The default and sample configurations and what compileConfiguration accepts; configuration-rejects.test.ts has the rest. */

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
