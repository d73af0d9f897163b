import { AT, type ExampleRow, onhand, reserve } from './types.js';

const QUERY = {
  filters: { organizationId: ['usmf'], productId: ['p'], siteId: ['s1'], locationId: ['l1'] },
  groupByValues: [],
};
const STOCKED = { path: '/onhand', body: onhand('stock', 'p', AT, 10) } as const;

/** [EX] marks of spec §2 (API surface). */
export const SECTION_2: readonly ExampleRow[] = [
  {
    spec: '§2.1 line 441',
    name: 'a request without Api-Version is served as 1.0',
    preset: 'byLocation',
    steps: [STOCKED, { path: '/onhand/indexquery', body: QUERY, status: 200, expect: [{ productId: 'p' }] }],
  },
  {
    spec: '§2.1 line 442',
    name: 'the Authorization scheme is case-insensitive ("bearer …")',
    preset: 'byLocation',
    steps: [{ method: 'GET', path: '/configuration', auth: 'lowercase', status: 200 }],
  },
  {
    spec: '§2.1 line 443',
    name: 'paths are case-insensitive: /onhand/indexQuery and /onhand/exactQuery',
    preset: 'byLocation',
    steps: [
      STOCKED,
      { path: '/onhand/indexQuery', body: QUERY, status: 200, expect: [{ productId: 'p' }] },
      {
        path: '/onhand/exactQuery',
        body: {
          filters: {
            organizationId: ['usmf'],
            productId: ['p'],
            dimensions: ['siteId', 'locationId'],
            values: [['s1', 'l1']],
          },
        },
        status: 200,
        expect: [{ productId: 'p' }],
      },
    ],
  },
  {
    spec: '§2.1 line 443',
    name: 'a trailing slash is accepted: POST /onhand/',
    preset: 'byLocation',
    steps: [
      {
        path: '/onhand/',
        body: onhand('slash', 'p', AT),
        status: 200,
        expect: { id: 'slash', statusCode: 200 },
      },
    ],
  },
  {
    spec: '§2.1 line 444',
    name: 'JSON keys are case-insensitive: productid, organizationid, siteid, ProductID, SiteId',
    preset: 'byLocation',
    steps: [
      {
        path: '/onhand',
        body: {
          id: 'keys',
          organizationid: 'usmf',
          ProductID: 'p',
          dimensions: { siteid: 's1', LocationId: 'l1' },
          quantities: { iv: { onhand: 2 } },
        },
        status: 200,
      },
      {
        path: '/onhand/indexquery',
        body: { filters: { organizationid: ['usmf'], productid: ['p'], SiteId: ['s1'], locationid: ['l1'] } },
        expect: [{ quantities: { iv: { onhand: 2 } } }],
      },
    ],
  },
  {
    spec: '§2.1 line 447',
    name: 'quantities may be JSON strings ("onhand": "10")',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('string-qty', 'p', AT, '10'), status: 200 },
      { path: '/onhand/indexquery', body: QUERY, expect: [{ quantities: { iv: { onhand: 10 } } }] },
    ],
  },
  {
    spec: '§2.1 line 448',
    name: 'GET /health/ping answers 200 without a token',
    steps: [{ method: 'GET', path: '//health/ping', auth: 'none', status: 200 }],
  },
  {
    spec: '§2.2 line 456',
    name: 'the two-step token flow: an Entra-shaped token (form POST), then POST /token with Scope/Context capitalised',
    preset: 'byLocation',
    steps: [
      {
        path: '//contoso/oauth2/v2.0/token',
        auth: 'none',
        raw: {
          text: 'client_id={{adminId}}&client_secret={{adminSecret}}&grant_type=client_credentials&scope=0cdb527f-a8d1-4bf8-9436-b352c68682b2%2F.default',
          contentType: 'application/x-www-form-urlencoded',
        },
        status: 200,
        expect: { token_type: 'Bearer' },
        save: { entraToken: 'access_token' },
      },
      {
        path: '//token',
        auth: 'none',
        headers: { 'Api-Version': '1.0' },
        body: {
          grant_type: 'client_credentials',
          client_assertion_type: 'aad_app',
          client_assertion: '{{entraToken}}',
          Scope: 'https://inventoryservice.operations365.dynamics.com/.default',
          Context: '{{env}}',
          context_type: 'finops-env',
        },
        status: 200,
        expect: { token_type: 'bearer', expires_in: 3600 },
        save: { ivToken: 'access_token' },
      },
      {
        method: 'GET',
        path: '/configuration',
        auth: 'none',
        headers: { Authorization: 'Bearer {{ivToken}}' },
        status: 200,
      },
    ],
  },
  {
    spec: '§2.2 line 488',
    name: 'an invalid or expired token answers 401',
    preset: 'byLocation',
    steps: [{ path: '/onhand/indexquery', body: QUERY, auth: 'invalid', status: 401 }],
  },
  {
    spec: '§2.3 line 502',
    name: 'a single write answers { id, processingStatus, message, statusCode }; a reservation adds reservationId, id prefixed ohre~',
    preset: 'byLocation',
    steps: [
      STOCKED,
      {
        path: '/onhand/reserve',
        body: reserve('id-822', 'p', AT, 1),
        status: 200,
        expect: { id: 'ohre~id-822', processingStatus: 'success', message: '', statusCode: 200 },
        save: { reservationId: 'reservationId' },
      },
      {
        path: '/onhand/unreserve',
        body: {
          id: 'id-823',
          organizationId: 'usmf',
          productId: 'p',
          reservationId: '{{reservationId}}',
          dimensions: AT,
          OffsetQty: 1,
        },
        status: 200,
        expect: {
          reservationId: '{{reservationId}}',
          totalInvalidOffsetQtyByReservId: 0,
          id: 'ohoe~id-823',
          processingStatus: 'success',
          message: '',
          statusCode: 200,
        },
      },
    ],
  },
  {
    spec: '§2.3 line 519',
    name: 'processingStatus partialSuccess: an unreserve of more than remains releases the rest',
    preset: 'byLocation',
    steps: [
      STOCKED,
      {
        path: '/onhand/reserve',
        body: reserve('ps-r', 'p', AT, 10),
        save: { reservationId: 'reservationId' },
      },
      {
        path: '/onhand/unreserve',
        body: {
          id: 'ps-u',
          organizationId: 'usmf',
          productId: 'p',
          reservationId: '{{reservationId}}',
          dimensions: AT,
          OffsetQty: 12,
        },
        expect: { processingStatus: 'partialSuccess', totalInvalidOffsetQtyByReservId: 2, statusCode: 200 },
      },
    ],
  },
  {
    spec: '§2.3 lines 523-524, §2.3 line 561',
    name: 'a successful reserve answers HTTP 200; insufficient availability answers statusCode 500 in the body',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('afr-stock', 'p', AT, 2) },
      { path: '/onhand/reserve', body: reserve('afr-ok', 'p', AT, 2), status: 200 },
      {
        path: '/onhand/reserve',
        body: reserve('afr-no', 'p', AT, 1),
        status: 409,
        expect: { processingStatus: 'failure', statusCode: 500 },
      },
    ],
  },
  {
    spec: '§2.3 line 528',
    name: 'a bulk write answers the six buckets, change schedule ids prefixed ohcs~',
    preset: 'byLocation',
    steps: [
      {
        path: '/onhand/changeschedule/bulk',
        body: [
          {
            id: 'id-bike-0001',
            organizationId: 'usmf',
            productId: 'Bike',
            dimensions: { ...AT, colorId: 'red', sizeId: 's' },
            quantitiesByDate: { '{{day1}}': { iv: { onhand: 1 } } },
          },
          {
            id: 'id-car-0002',
            organizationId: 'usmf',
            productId: 'Car',
            dimensions: { ...AT, colorId: 'red', sizeId: 's' },
            quantitiesByDate: { '{{day1}}': { iv: { onhand: 1 } } },
          },
        ],
        status: 200,
        expect: {
          success: [
            { id: 'ohcs~id-bike-0001', processingStatus: 'success', message: '', statusCode: 200 },
            { id: 'ohcs~id-car-0002', processingStatus: 'success', message: '', statusCode: 200 },
          ],
          failure: [],
          conflict: [],
          notFound: [],
          partialSuccess: [],
          unknown: [],
        },
      },
    ],
  },
  {
    spec: '§2.3 line 561',
    name: 'a query without an index set answers "No index hierarchy has been set."',
    preset: 'noIndex',
    steps: [
      {
        path: '/onhand/indexquery',
        body: QUERY,
        status: 400,
        expect: { message: 'No index hierarchy has been set.' },
      },
    ],
  },
  {
    spec: '§2.7.1 line 783',
    name: 'records posted without a group-by dimension are their own row with "" for it',
    preset: 'byLocation',
    steps: [
      { path: '/onhand', body: onhand('g-1', 'p', AT, 1) },
      { path: '/onhand', body: onhand('g-2', 'p', { ...AT, colorId: 'red', sizeId: 'small' }, 2) },
      {
        path: '/onhand/indexquery',
        body: { ...QUERY, groupByValues: ['colorId', 'sizeId'] },
        expect: [
          {
            dimensions: { ColorId: '', SizeId: '', siteid: 's1', locationid: 'l1' },
            quantities: { iv: { onhand: 1 } },
          },
          {
            dimensions: { ColorId: 'red', SizeId: 'small', siteid: 's1', locationid: 'l1' },
            quantities: { iv: { onhand: 2 } },
          },
        ],
      },
    ],
  },
  {
    spec: '§2.8 line 981',
    name: 'reservation clean-up jobs have ids such as EntityVersionUpdateJob…',
    skip: 'The resync job and getJobProgress (spec §2.4 #8, #9) are built by another change of issue 12; this row is filled in there.',
    steps: [],
  },
];
