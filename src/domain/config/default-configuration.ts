import type { DataSourceDefinition, RuntimeConfiguration } from './runtime-configuration.js';

/**
 * The configuration a new environment starts from: the current ("generation B", 11/2023) default of
 * spec §1.7, plus the predefined `@iv` data source for allocation. Onhand's one deviation: the
 * available-to-reserve measure also subtracts `@iv.@allocated`, so ring-fenced stock cannot be
 * reserved by other channels (the allocation article recommends exactly this when both are used).
 */
export function defaultConfiguration(environmentId: string): RuntimeConfiguration {
  return {
    environmentId,
    isUninstalled: false,
    configurationVersion: 1,
    indexConfiguration: {
      version: 0,
      partitionKeyAttributes: { setNumber: 0, keys: ['siteid', 'locationid'] },
      indexAttributeSets: [{ setNumber: 1, keys: ['colorid', 'sizeid', 'styleid'] }],
    },
    inventorySystemConfigurations: {
      fno: dataSource('fno', FNO_MAPPINGS, FNO_MEASURES),
      iv: dataSource(
        'iv',
        {},
        ['ordered', 'softreserved'],
        {
          availabletoreserve: availableFormula(),
          totalavailable: {
            additionModifiers: ['fno.availordered'],
            subtractionModifiers: ['iv.softreserved', '@iv.@allocated'],
          },
          totalonhand: { additionModifiers: ['fno.physicalinvent'], subtractionModifiers: [] },
        },
        { softreserved: 'iv.availabletoreserve' },
      ),
      pos: dataSource('pos', {}, ['inbound', 'outbound'], {
        availquantity: {
          additionModifiers: ['fno.availphysical', 'pos.inbound'],
          subtractionModifiers: ['pos.outbound'],
        },
      }),
      iom: dataSource('iom', {}, ['onorder', 'onhand']),
      erp: dataSource('erp', {}, ['unrestricted', 'qualityinspection']),
      '@iv': dataSource(
        '@iv',
        {},
        ['@allocated', '@cumulative_allocated', '@consumed', '@cumulative_consumed'],
        {
          '@available_to_allocate': availableFormula(),
        },
      ),
    },
    isIndexUpgradeInProgress: false,
    defaultDimensions: {},
    cachePartitionIdVersion: 'ByLocation',
    finOpsConfiguration: { isEnabled: true, isSetup: true },
    isWHSEnabled: false,
    whsConfiguration: {
      isEnabled: false,
      isSetup: true,
      isTruncatedWHSHierarchyEnabled: true,
      isTruncatedWHSHierarchySetup: true,
    },
    isPartitionLockEnabled: false,
    partitionLockConfiguration: { isEnabled: false, isSetup: false },
    storageConfiguration: {
      isOnHandMostSpecificStorageEnabled: false,
      version: 0,
      ohmsBackgroundServiceFreq: 15,
      isEnabled: false,
      isSetup: false,
    },
    onHandIndexQueryPreloadStorageConfiguration: {
      isOnHandIndexQueryPreloadStorageEnabled: false,
      version: 0,
      groupByValues: [],
      isEnabled: false,
      isSetup: false,
    },
    scheduleConfiguration: {
      indexAttributeSets: [{ setNumber: 1, keys: ['colorid', 'sizeid'] }],
      atpCalculatedMeasures: {},
      version: 1,
      schedulePeriodInDays: 30,
      isScheduleEnabled: false,
      isEnabled: false,
      isScheduleV2: true,
      isSetup: true,
    },
    reservConfiguration: {
      isReservEnabled: true,
      version: 0,
      keys: ['siteid', 'locationid', 'colorid', 'sizeid', 'styleid'],
      isEnabled: true,
      isSetup: true,
    },
    allocationConfiguration: {
      isEnabled: true,
      isSetup: true,
      groups: ['channel', 'customerGroup', 'region', 'orderType'],
      groupsOrder: { channel: 'g0', customerGroup: 'g1', region: 'g2', orderType: 'g3' },
      availableToAllocateCalculation: {
        'fno.physicalinvent': 'addition',
        'fno.ordered': 'addition',
        'fno.arrived': 'addition',
        'pos.inbound': 'addition',
        'iv.ordered': 'addition',
        'fno.reservphysical': 'subtraction',
        'iv.softreserved': 'subtraction',
        'pos.outbound': 'subtraction',
        'fno.softreserved': 'subtraction',
        '@iv.@allocated': 'subtraction',
      },
    },
    entityVersion: 2,
    partitionConfiguration: { useProductId: false, useDimensions: true },
  };
}

/**
 * Supply minus demand, as generation B's available-to-reserve, less what is ring-fenced by allocation.
 * Used for both iv.availabletoreserve and @iv.@available_to_allocate, as the allocation article advises.
 */
function availableFormula(): DataSourceDefinition['calculatedMeasures'][string] {
  return {
    additionModifiers: ['fno.physicalinvent', 'fno.ordered', 'fno.arrived', 'pos.inbound', 'iv.ordered'],
    subtractionModifiers: [
      'fno.reservphysical',
      'iv.softreserved',
      'pos.outbound',
      'fno.softreserved',
      '@iv.@allocated',
    ],
  };
}

function dataSource(
  name: string,
  dimensionMappings: Record<string, string>,
  physicalMeasures: string[],
  calculatedMeasures: DataSourceDefinition['calculatedMeasures'] = {},
  reservMappings: Record<string, string> = {},
): DataSourceDefinition {
  return { dataSourceName: name, dimensionMappings, physicalMeasures, calculatedMeasures, reservMappings };
}

const FNO_MAPPINGS: Record<string, string> = {
  inventbatchid: 'batchid',
  inventcolorid: 'colorid',
  inventlocationid: 'locationid',
  inventserialid: 'serialid',
  inventsiteid: 'siteid',
  inventsizeid: 'sizeid',
  inventstatusid: 'statusid',
  inventstyleid: 'styleid',
  licenseplateid: 'licenseplateid',
  wmslocationid: 'wmslocationid',
  wmspalletid: 'wmspalletid',
  configid: 'configid',
  inventversionid: 'versionid',
  ...Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [`inventdimension${i + 1}`, `customdimension${i + 1}`]),
  ),
};

const FNO_MEASURES = [
  'arrived',
  'physicalinvent',
  'reservphysical',
  'onorder',
  'notspecified',
  'availordered',
  'availphysical',
  'picked',
  'postedqty',
  'quotationreceipt',
  'received',
  'ordered',
  'reservordered',
  'orderedsum',
  'softreserved',
];
