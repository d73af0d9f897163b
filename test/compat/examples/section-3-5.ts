import { AT, allocation, type ExampleRow, onhand, reserve } from './types.js';

const RED_SMALL = { ...AT, colorId: 'red', sizeId: 'small' };
const schedule = (id: string, byDate: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id,
  organizationId: 'usmf',
  productId: 'Bike',
  dimensions: RED_SMALL,
  quantitiesByDate: byDate,
  ...extra,
});
const ATP_QUERY = (groupByValues: string[], more: Record<string, string[]> = {}) => ({
  filters: { organizationId: ['usmf'], productId: ['Bike'], siteId: ['s1'], locationId: ['l1'], ...more },
  groupByValues,
  returnNegative: true,
  QueryATP: true,
});

/** [EX] marks of spec §3 (schedules and ATP), §4 (allocation) and §5 (soft reservations). */
export const SECTIONS_3_TO_5: readonly ExampleRow[] = [
  {
    spec: '§3.3 line 1081',
    name: 'schedule dates may be written as Date.toDateString() ("Tue Sep 26 2023") under the key QuantitiesByDate',
    preset: 'byLocation',
    steps: [
      {
        path: '/onhand/changeschedule',
        body: {
          id: 'ds-1',
          organizationId: 'usmf',
          productId: 'Bike',
          dimensions: RED_SMALL,
          QuantitiesByDate: { '{{dateString1}}': { iv: { onhand: 3 } } },
        },
        status: 200,
        expect: { id: 'ohcs~ds-1', statusCode: 200 },
      },
      {
        path: '/onhand/indexquery',
        body: { ...ATP_QUERY(['colorId', 'sizeId']), ATPFromDate: '{{day1}}', ATPToDate: '{{day1}}' },
        expect: [{ quantitiesByDate: { '{{day1}}T00:00:00': { iv: { onhand: 3 } } } }],
      },
    ],
  },
  {
    spec: '§3.3 line 1058',
    name: 'one schedule may hold several dates; the response id is prefixed ohcs~',
    preset: 'byLocation',
    steps: [
      {
        path: '/onhand/changeschedule',
        body: schedule('id-bike-0001', {
          '{{day1}}': { iv: { onhand: 10 } },
          '{{day2}}': { iv: { onhand: -3 } },
        }),
        expect: { id: 'ohcs~id-bike-0001', processingStatus: 'success', message: '', statusCode: 200 },
      },
    ],
  },
  {
    spec: '§3.6 line 1144',
    name: 'ATP fields are case-insensitive: atpFromDate and ATPFromDate, queryATP and QueryATP',
    preset: 'byLocation',
    steps: [
      { path: '/onhand/changeschedule', body: schedule('case-1', { '{{day1}}': { iv: { onhand: 4 } } }) },
      {
        path: '/onhand/indexquery',
        body: {
          ...ATP_QUERY(['colorId', 'sizeId']),
          QueryATP: undefined,
          queryATP: true,
          atpFromDate: '{{day1}}',
          atpToDate: '{{day1}}',
        },
        expect: [{ atpQuantities: { '{{day1}}T00:00:00Z': { '@iv': { '@available_to_reserve': 4 } } } }],
      },
    ],
  },
  {
    spec: '§3.6 line 1149',
    name: '180-day ATP: a group-by that is not exactly an ATP index set fails',
    preset: 'atp180',
    steps: [
      { path: '/onhand/indexquery', body: ATP_QUERY(['colorId']), status: 400 },
      { path: '/onhand/indexquery', body: ATP_QUERY(['colorId', 'sizeId', 'styleId']), status: 400 },
      { path: '/onhand/indexquery', body: ATP_QUERY(['colorId', 'sizeId']), status: 200 },
    ],
  },
  {
    spec: '§3.6 line 1149',
    name: '180-day ATP: filters may only hold partition dimensions and those of the ATP index set',
    preset: 'atp180',
    steps: [
      { path: '/onhand/indexquery', body: ATP_QUERY(['colorId', 'sizeId'], { styleId: ['x'] }), status: 400 },
      {
        path: '/onhand/indexquery',
        body: ATP_QUERY(['colorId', 'sizeId'], { colorId: ['red'] }),
        status: 200,
      },
    ],
  },
  {
    spec: '§4.3 line 1223',
    name: 'allocation takes groups (current) or targetGroups (2022); reallocate takes sourceGroups and groups; consume takes physicalMeasures',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('al-stock', 'p', AT, 10) },
      {
        path: '/allocation/allocate',
        body: allocation('al-1', 'p', AT, 3, { channel: 'web' }),
        expect: { processingStatus: 'success' },
      },
      {
        path: '/allocation/allocate',
        body: {
          id: 'al-2',
          organizationId: 'usmf',
          productId: 'p',
          targetGroups: { channel: 'store' },
          quantity: 1,
          dimensions: AT,
        },
        expect: { processingStatus: 'success' },
      },
      {
        path: '/allocation/reallocate',
        body: {
          id: 'al-3',
          organizationId: 'usmf',
          productId: 'p',
          sourceGroups: { channel: 'web' },
          groups: { channel: 'store' },
          quantity: 2,
          dimensions: AT,
        },
        expect: { processingStatus: 'success' },
      },
      {
        path: '/allocation/consume',
        body: {
          id: 'al-4',
          organizationId: 'usmf',
          productId: 'p',
          groups: { channel: 'store' },
          quantity: 1,
          dimensions: AT,
          physicalMeasures: { iv: { onhand: 'Subtraction' } },
        },
        expect: { processingStatus: 'success' },
      },
      {
        path: '/allocation/query',
        body: { organizationId: 'usmf', productId: 'p', dimensions: AT, groups: { channel: 'store' } },
        expect: [
          { groups: { channel: 'store' }, quantities: { '@iv': { '@allocated': 2, '@consumed': 1 } } },
        ],
      },
    ],
  },
  {
    spec: '§4.4 line 1298',
    name: 'an allocation beyond the pool answers processingStatus "failure"',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('pool', 'p', AT, 2) },
      {
        path: '/allocation/allocate',
        body: allocation('big', 'p', AT, 3),
        status: 409,
        expect: { processingStatus: 'failure' },
      },
    ],
  },
  {
    spec: '§4.4 line 1298, §5.2 line 1348',
    name: 'by location, allocation and reservation without site/location fail (failure; statusCode 500)',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('np', 'p', AT, 5) },
      {
        path: '/allocation/allocate',
        body: allocation('np-a', 'p', { colorId: 'red' }, 1),
        status: 400,
        expect: { processingStatus: 'failure' },
      },
      {
        path: '/onhand/reserve',
        body: reserve('np-r', 'p', { colorId: 'red' }, 1),
        status: 400,
        expect: { processingStatus: 'failure', statusCode: 500 },
      },
    ],
  },
  {
    spec: '§5.2 line 1344',
    name: 'ifCheckAvailForReserv: quantity above the available-for-reservation measure fails with statusCode 500',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('afr', 'p', AT, 5) },
      {
        path: '/onhand/reserve',
        body: reserve('afr-1', 'p', AT, 6),
        status: 409,
        expect: { processingStatus: 'failure', statusCode: 500 },
      },
      {
        path: '/onhand/reserve',
        body: reserve('afr-2', 'p', AT, 6, false),
        status: 200,
        expect: { statusCode: 200 },
      },
    ],
  },
  {
    spec: '§5.2 line 1356',
    name: 'a negative quantity with the check on fails with statusCode 500; with ifCheckAvailForReserv false it releases',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('neg', 'p', AT, 5) },
      { path: '/onhand/reserve', body: reserve('neg-1', 'p', AT, 3) },
      {
        path: '/onhand/reserve',
        body: reserve('neg-2', 'p', AT, -1),
        status: 400,
        expect: { processingStatus: 'failure', statusCode: 500 },
      },
      {
        path: '/onhand/reserve',
        body: reserve('neg-3', 'p', AT, -1, false),
        status: 200,
        expect: { statusCode: 200 },
      },
      {
        path: '/onhand/indexquery',
        body: { filters: { organizationId: ['usmf'], productId: ['p'], siteId: ['s1'], locationId: ['l1'] } },
        expect: [{ quantities: { '@iv': { '@softreserved': 2 } } }],
      },
    ],
  },
];

/** [EX] marks of spec §6 and §7 (operations, limitations). */
export const SECTIONS_6_7: readonly ExampleRow[] = [
  {
    spec: '§6 line 1436',
    name: 'SCM initial sync fails with "Cannot sync more than 500000 records in the same warehouse"',
    skip: "A message of SCM's sync job, not of the service: Onhand has no record limit per warehouse, and schema 2 is available through updatePartitionSchema (row §1.8).",
    steps: [],
  },
  {
    spec: '§7 line 1456',
    name: 'after copying an environment, updateEnvIdInConfig binds the copied configuration',
    preset: 'byLocation',
    steps: [
      {
        path: '//api/environment/{{env}}-copy/updateEnvIdInConfig?oldEnvironmentId={{env}}',
        status: 200,
        expect: { environmentId: '{{env}}-copy', cachePartitionIdVersion: 'ByLocation' },
      },
      {
        method: 'GET',
        path: '//api/environment/{{env}}-copy/configuration',
        expect: { reservConfiguration: { keys: ['siteid', 'locationid'] } },
      },
    ],
  },
  {
    spec: '§7 line 1457',
    name: 'renaming a record key in SCM is not seen until a resync',
    skip: 'Behaviour of the SCM integration, which Onhand does not contain; nothing to observe through the API.',
    steps: [],
  },
];
