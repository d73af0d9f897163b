import { AT, allocation, type ExampleRow, onhand, reserve } from './types.js';

const INDEX = (filters: Record<string, string[]>) => ({
  filters: { organizationId: ['usmf'], ...filters },
  groupByValues: [],
});
const EXACT = (productId: string[], dimensions: string[], values: string[][]) => ({
  filters: { organizationId: ['usmf'], productId, dimensions, values },
});

/** [EX] marks of spec §1.8 (partitions), with the exact-query cases of §2.7.4 and §2.5 that restate them. */
export const SECTION_1_8: readonly ExampleRow[] = [
  {
    spec: '§1.8 line 297, §2.5 line 662',
    name: 'Mod64 with useProductId and useDimensions: an on-hand change without site/location is accepted (2xx)',
    preset: 'mod64',
    steps: [
      { path: '/onhand', body: onhand('m-1', 'p', {}, 4), status: 200, expect: { statusCode: 200 } },
      {
        path: '/onhand/indexquery',
        body: INDEX({ productId: ['p'] }),
        expect: [{ productId: 'p', quantities: { iv: { onhand: 4 } } }],
      },
    ],
  },
  {
    spec: '§1.8 line 297',
    name: 'Mod64: an index query without site and location is answered',
    preset: 'mod64',
    steps: [
      { path: '/onhand', body: onhand('m-2', 'p', AT, 6) },
      {
        path: '/onhand/indexquery',
        body: INDEX({ productId: ['p'] }),
        status: 200,
        expect: [{ productId: 'p' }],
      },
    ],
  },
  {
    spec: '§1.8 line 297',
    name: 'Mod64: an exact query with empty dimensions is an error',
    preset: 'mod64',
    steps: [{ path: '/onhand/exactquery', body: EXACT(['p'], [], [[]]), status: 400 }],
  },
  {
    spec: '§1.8 line 297',
    name: 'Mod64: a reservation without site/location answers statusCode 500',
    preset: 'mod64',
    steps: [
      { path: '/onhand', body: onhand('m-3', 'p', AT, 6) },
      { path: '/onhand/reserve', body: reserve('m-r', 'p', {}, 1), status: 400, expect: { statusCode: 500 } },
    ],
  },
  {
    spec: '§1.8 line 297',
    name: 'Mod64: an allocation without site/location answers processingStatus "failure"',
    preset: 'mod64',
    steps: [
      { path: '/onhand', body: onhand('m-4', 'p', AT, 6) },
      {
        path: '/allocation/allocate',
        body: allocation('m-a', 'p', {}, 1),
        status: 400,
        expect: { processingStatus: 'failure' },
      },
    ],
  },
  {
    spec: '§1.8 line 297',
    name: 'Mod64: with site and location, writes and queries work as by location',
    preset: 'mod64',
    steps: [
      { path: '/onhand', body: onhand('m-5', 'p', AT, 6) },
      {
        path: '/onhand/reserve',
        body: reserve('m-r5', 'p', AT, 2),
        status: 200,
        expect: { statusCode: 200 },
      },
      {
        path: '/allocation/allocate',
        body: allocation('m-a5', 'p', AT, 1),
        expect: { processingStatus: 'success' },
      },
      {
        path: '/onhand/exactquery',
        body: EXACT(['p'], ['siteId', 'locationId'], [['s1', 'l1']]),
        expect: [{ quantities: { iv: { onhand: 6 }, '@iv': { '@softreserved': 2, '@allocated': 1 } } }],
      },
    ],
  },
  {
    spec: '§2.7.4 line 858',
    name: 'by product: an exact query with "dimensions": [] and "values": [[]] and a product is answered',
    preset: 'sample',
    steps: [
      { path: '/onhand', body: onhand('bp-1', 'p', {}, 3) },
      {
        path: '/onhand/exactquery',
        body: EXACT(['p'], [], [[]]),
        status: 200,
        expect: [{ productId: 'p', quantities: { iv: { onhand: 3 } } }],
      },
    ],
  },
  {
    spec: '§2.7.4 line 858',
    name: 'by product: the same exact query without a product fails',
    preset: 'sample',
    steps: [{ path: '/onhand/exactquery', body: EXACT([], [], [[]]), status: 400 }],
  },
  {
    spec: '§2.7.4 line 858',
    name: 'by location: an exact query with empty dimensions fails',
    preset: 'byLocation',
    steps: [{ path: '/onhand/exactquery', body: EXACT(['p'], [], [[]]), status: 400 }],
  },
  {
    spec: '§2.7.4 line 858',
    name: 'by location: an exact query without productId is answered',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('bl-1', 'p', AT, 2) },
      {
        path: '/onhand/exactquery',
        body: EXACT([], ['siteId', 'locationId'], [['s1', 'l1']]),
        status: 200,
        expect: [{ productId: 'p', quantities: { iv: { onhand: 2 } } }],
      },
    ],
  },
  {
    spec: '§4.2 line 1217',
    name: 'by product, allocation needs no site/location; by location it does (processingStatus failure)',
    preset: 'sample',
    steps: [
      { path: '/onhand', body: onhand('ap-1', 'p', {}, 5) },
      {
        path: '/allocation/allocate',
        body: allocation('ap-a', 'p', {}, 2),
        expect: { processingStatus: 'success' },
      },
    ],
  },
];
