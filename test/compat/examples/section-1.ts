import { AT, allocation, type ExampleRow, onhand, reserve } from './types.js';

/** [EX] marks of spec §1 (configuration model). */
export const SECTION_1: readonly ExampleRow[] = [
  {
    spec: '§1.1 line 62',
    name: 'the runtime configuration carries entityVersion (2: the UI version 180-day ATP needs)',
    preset: 'default',
    steps: [{ method: 'GET', path: '/configuration', expect: { entityVersion: 2 } }],
  },
  {
    spec: '§1.2 line 65',
    name: 'the runtime configuration copied from GET …/configuration is accepted by POST …/configuration/hardupdate',
    preset: 'sample',
    steps: [
      {
        method: 'GET',
        path: '/configuration',
        expect: {
          isUninstalled: false,
          indexConfiguration: { partitionKeyAttributes: { setNumber: 0, keys: ['siteid', 'locationid'] } },
          cachePartitionIdVersion: 'byProductId',
          scheduleConfiguration: { atpCalculatedMeasures: { '@iv': { '@available_to_reserve': 7 } } },
          partitionConfiguration: { useProductId: true, useDimensions: false },
        },
      },
    ],
  },
  {
    spec: '§1.2 line 132',
    name: 'names are stored lower-case (allocation group names keep their case); modifiers are "source.measure"',
    preset: 'default',
    steps: [
      {
        method: 'POST',
        path: '/configuration/hardupdate',
        body: {
          inventorySystemConfigurations: {
            Shop: {
              dataSourceName: 'Shop',
              dimensionMappings: { ProductColor: 'ColorId' },
              physicalMeasures: ['OnHand', 'SoftReserved'],
              calculatedMeasures: {
                Available: {
                  additionModifiers: ['Shop.OnHand'],
                  subtractionModifiers: ['Shop.SoftReserved'],
                },
              },
              reservMappings: { SoftReserved: 'Shop.Available' },
            },
          },
          allocationConfiguration: {
            isEnabled: false,
            groups: ['channel', 'customerGroup'],
            groupsOrder: { channel: 'g0', customerGroup: 'g1' },
            availableToAllocateCalculation: {},
          },
        },
        expect: {
          inventorySystemConfigurations: {
            shop: {
              dataSourceName: 'shop',
              dimensionMappings: { productcolor: 'colorid' },
              physicalMeasures: ['onhand', 'softreserved'],
              calculatedMeasures: {
                available: {
                  additionModifiers: ['shop.onhand'],
                  subtractionModifiers: ['shop.softreserved'],
                },
              },
              reservMappings: { softreserved: 'shop.available' },
            },
          },
          allocationConfiguration: { groups: ['channel', 'customerGroup'] },
        },
      },
    ],
  },
  {
    spec: '§1.2 line 144, §1.10 line 361',
    name: 'reservConfiguration.version 0 refuses a reservation with a dimension outside keys: statusCode 400',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('v0-stock', 'p', AT) },
      {
        path: '/onhand/reserve',
        body: reserve('v0-r', 'p', { ...AT, colorId: 'red' }, 1),
        status: 400,
        expect: { processingStatus: 'failure', statusCode: 400 },
      },
      {
        path: '/onhand/reserve',
        body: reserve('v0-r2', 'p', { ...AT, colorId: '' }, 1),
        status: 400,
        expect: { processingStatus: 'failure', statusCode: 400 },
      },
    ],
  },
  {
    spec: '§1.2 line 144',
    name: 'reservConfiguration.version 1 accepts the same reservation (filter unconfigured dimensions)',
    preset: 'v1',
    steps: [
      { path: '/onhand', body: onhand('v1-stock', 'p', AT) },
      {
        path: '/onhand/reserve',
        body: reserve('v1-r', 'p', { ...AT, colorId: 'red' }, 1),
        status: 200,
        expect: { id: 'ohre~v1-r', processingStatus: 'success', message: '', statusCode: 200 },
      },
    ],
  },
  {
    spec: '§1.2 line 147',
    name: 'cachePartitionIdVersion ByProductId, byProductId and ByLocationAndProductIdMod64 are accepted, in any case',
    preset: 'sample',
    steps: [
      {
        path: '/configuration/hardupdate',
        body: { cachePartitionIdVersion: 'ByProductId', inventorySystemConfigurations: {} },
      },
      {
        path: '/onhand/exactquery',
        body: { filters: { organizationId: ['usmf'], productId: ['p'], dimensions: [], values: [[]] } },
      },
      {
        path: '/configuration/hardupdate',
        body: { cachePartitionIdVersion: 'ByLocationAndProductIdMod64', inventorySystemConfigurations: {} },
        expect: { cachePartitionIdVersion: 'ByLocationAndProductIdMod64' },
      },
    ],
  },
  {
    spec: '§1.3 line 173',
    name: 'every base dimension of the preload entity is a dimension: batchid … wmspalletid',
    preset: 'byLocation',
    steps: [
      {
        path: '/onhand',
        body: onhand('dims', 'p', {
          ...AT,
          BatchId: 'b',
          ColorId: 'c',
          ConfigId: 'cf',
          CustomDimension1: 'x1',
          CustomDimension12: 'x12',
          ExtendedDimension1: 'e1',
          ExtendedDimension8: 'e8',
          LicensePlateId: 'lp',
          SerialId: 'sn',
          SizeId: 's',
          StatusId: 'st',
          StyleId: 'sy',
          VersionId: 'v',
          WMSLocationId: 'w',
          WMSPalletId: 'wp',
        }),
        expect: { processingStatus: 'success', statusCode: 200 },
      },
    ],
  },
  {
    spec: '§1.7 lines 272-276',
    name: 'the predefined @iv source: @softreserved reserves against @available_to_reserve, @allocated against @available_to_allocate',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('iv-stock', 'p', AT, 10) },
      { path: '/onhand/reserve', body: reserve('iv-r', 'p', AT, 3), expect: { statusCode: 200 } },
      {
        path: '/allocation/allocate',
        body: allocation('iv-a', 'p', AT, 4),
        expect: { processingStatus: 'success' },
      },
      {
        path: '/onhand/indexquery',
        body: {
          filters: { organizationId: ['usmf'], productId: ['p'], siteId: ['s1'], locationId: ['l1'] },
          groupByValues: [],
        },
        expect: [
          {
            quantities: {
              iv: { onhand: 10 },
              '@iv': {
                '@softreserved': 3,
                '@allocated': 4,
                '@available_to_reserve': 7,
                '@available_to_allocate': 6,
              },
            },
          },
        ],
      },
    ],
  },
  {
    spec: '§1.11 line 366',
    name: 'the sample ATP settings (7-day model, @iv.@available_to_reserve over 7 days) take change schedules',
    preset: 'byLocation',
    steps: [
      {
        path: '/onhand/changeschedule',
        body: {
          id: 'atp-1',
          organizationId: 'usmf',
          productId: 'p',
          dimensions: { ...AT, colorId: 'red', sizeId: 'small' },
          quantitiesByDate: { '{{day1}}': { iv: { onhand: 5 } } },
        },
        expect: { id: 'ohcs~atp-1', processingStatus: 'success', message: '', statusCode: 200 },
      },
    ],
  },
  {
    spec: '§1.12 line 383',
    name: 'the sample allocation settings (groups with g0…g4, availableToAllocateCalculation) allow allocation',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('al-stock', 'p', AT, 10) },
      {
        path: '/allocation/allocate',
        body: allocation('al-1', 'p', AT, 2, {
          channel: 'web',
          customerGroup: 'VIP',
          region: 'EU',
          orderType: 'o',
          df: 'd',
        }),
        expect: { processingStatus: 'success' },
      },
    ],
  },
];
