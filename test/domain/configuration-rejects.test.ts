import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/codes.js';
import {
  compileConfiguration,
  parseMeasureRef,
  partitionRuleOf,
} from '../../src/domain/config/compile-configuration.js';
import { completeConfiguration } from '../../src/domain/config/complete-configuration.js';
import { defaultConfiguration } from '../../src/domain/config/default-configuration.js';
import type { RuntimeConfiguration } from '../../src/domain/config/runtime-configuration.js';
import { pos, problemsOf, readSample } from './configuration/config-fixtures.js';
import { REJECTED_MEASURES_AND_DIMENSIONS } from './configuration/rejected-measures.js';
import { REJECTED_SETTINGS } from './configuration/rejected-settings.js';
import { caught, runtimeWith } from './helpers.js';

/*
 * The configurations compileConfiguration refuses (their tables: test/domain/configuration/), how a stored
 * one is read back, partitionRuleOf, parseMeasureRef and completeConfiguration; configuration.test.ts
 * has the default and sample configurations and what compileConfiguration accepts.
 */

describe('compileConfiguration rejects', () => {
  it.each<[string, (c: RuntimeConfiguration) => void, ErrorCode, string]>([
    ...REJECTED_MEASURES_AND_DIMENSIONS,
    ...REJECTED_SETTINGS,
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
