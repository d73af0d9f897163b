/**
 * Examples of the OpenAPI document taken from the documentation, so that what a generator or a reader
 * of /docs sees is what the docs show and the walkthroughs replay. test/docs/openapi-examples.test.ts
 * checks that the examples it names match an answer or request shown in README.md or docs/, and that
 * every example of the document is valid against its schema.
 */

/** The index query's answer of README.md ("Now ask what is on hand, per colour"). */
export const ROWS_EXAMPLE = [
  {
    productId: 'T-shirt',
    dimensions: { ColorId: 'black', siteid: '1', locationid: '11' },
    quantities: {
      pos: { outbound: 3, inbound: 0, availquantity: -3 },
      fno: {
        physicalinvent: 0,
        ordered: 0,
        arrived: 0,
        reservphysical: 0,
        softreserved: 0,
        availphysical: 0,
      },
      iv: { ordered: 0, softreserved: 0, availabletoreserve: -3 },
      '@iv': { '@allocated': 0, '@available_to_allocate': -3 },
    },
  },
  {
    productId: 'T-shirt',
    dimensions: { ColorId: 'red', siteid: '1', locationid: '11' },
    quantities: {
      pos: { inbound: 2, outbound: 0, availquantity: 2 },
      fno: {
        physicalinvent: 0,
        ordered: 0,
        arrived: 0,
        reservphysical: 0,
        softreserved: 0,
        availphysical: 0,
      },
      iv: { ordered: 0, softreserved: 0, availabletoreserve: 2 },
      '@iv': { '@allocated': 0, '@available_to_allocate': 2 },
    },
  },
];

/** The reservation and its history, as docs/api.md ("The reservation and its history") shows it. */
export const RESERVATION_EXAMPLE = {
  reservationId: 'r0mwsx1ls000000-31ed81741c3cbb90',
  partitionId: 'usmf~1~11',
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
  dataSource: 'iv',
  measure: 'softreserved',
  quantity: 4,
  remaining: 0,
  expiresAt: '2026-11-23T07:15:00.000Z',
  status: 'expired',
  eventId: 'cart-7f3a',
  createdAt: '2026-11-23T07:00:00.000Z',
  updatedAt: '2026-11-23T07:15:00.000Z',
  history: [
    {
      seq: 4,
      kind: 'reservation.reserve',
      eventId: 'cart-7f3a',
      recordedAt: '2026-11-23T07:00:00.000Z',
      changes: [
        {
          organizationId: 'usmf',
          productId: 'T-shirt',
          dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
          dataSource: 'iv',
          measure: 'softreserved',
          delta: 4,
          created: true,
        },
      ],
      outcome: {
        id: 'cart-7f3a',
        status: 'success',
        message: '',
        extra: { reservationId: 'r0mwsx1ls000000-31ed81741c3cbb90', expiresAt: '2026-11-23T07:15:00.000Z' },
      },
    },
    {
      seq: 5,
      kind: 'reservation.unreserve',
      eventId: 'cart-7f3a-remove-1',
      recordedAt: '2026-11-23T07:02:00.000Z',
      changes: [
        {
          organizationId: 'usmf',
          productId: 'T-shirt',
          dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
          dataSource: 'iv',
          measure: 'softreserved',
          delta: -1,
        },
      ],
      outcome: {
        id: 'cart-7f3a-remove-1',
        status: 'success',
        message: '',
        extra: { reservationId: 'r0mwsx1ls000000-31ed81741c3cbb90', totalInvalidOffsetQtyByReservId: 0 },
      },
    },
    {
      seq: 6,
      kind: 'reservation.offset',
      eventId: 'SO-000123-1',
      recordedAt: '2026-11-23T07:05:00.000Z',
      changes: [
        {
          organizationId: 'usmf',
          productId: 'T-shirt',
          dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
          dataSource: 'pos',
          measure: 'outbound',
          delta: 2,
          created: true,
        },
        {
          organizationId: 'usmf',
          productId: 'T-shirt',
          dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
          dataSource: 'iv',
          measure: 'softreserved',
          delta: -2,
        },
      ],
      outcome: {
        id: 'SO-000123-1',
        status: 'success',
        message: '',
        extra: { reservationId: 'r0mwsx1ls000000-31ed81741c3cbb90', totalInvalidOffsetQtyByReservId: 0 },
      },
    },
    {
      seq: 7,
      kind: 'reservation.expire',
      eventId: null,
      recordedAt: '2026-11-23T07:15:00.000Z',
      changes: [
        {
          organizationId: 'usmf',
          productId: 'T-shirt',
          dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
          dataSource: 'iv',
          measure: 'softreserved',
          delta: -1,
        },
      ],
      outcome: {
        id: 'r0mwsx1ls000000-31ed81741c3cbb90',
        status: 'success',
        message: 'Expired.',
        extra: { reservationId: 'r0mwsx1ls000000-31ed81741c3cbb90', released: 1 },
      },
    },
  ],
};

/** A ledger page, with the entry docs/api.md ("The ledger") shows, its elided parts filled in. */
export const LEDGER_EXAMPLE = [
  {
    seq: 1,
    position: 1,
    fedAt: '2026-11-23T07:00:00.000Z',
    clientId: 'admin',
    environmentId: 'demo',
    partitionId: 'usmf~1~11',
    family: 'onhand',
    eventId: 'Test201',
    bodyHash: '2S8Jo7oDFbhcRX3YEDol5JZvDkt5B47AAG1-JDE9ZSs',
    kind: 'onhand.change',
    recordedAt: '2026-11-23T07:00:00.000Z',
    request: { kind: 'onhand.change', eventId: 'Test201', organizationId: 'usmf', productId: 'T-shirt' },
    outcome: { id: 'Test201', status: 'success', message: '' },
    changes: [
      {
        organizationId: 'usmf',
        productId: 'T-shirt',
        dimensions: { colorid: 'red', locationid: '11', siteid: '1' },
        dataSource: 'pos',
        measure: 'inbound',
        delta: 1,
      },
    ],
    reference: null,
  },
];

/** The key set docs/security.md shows for GET /.well-known/jwks.json. */
export const JWKS_EXAMPLE = {
  keys: [{ kty: 'OKP', crv: 'Ed25519', x: '…', kid: '…', alg: 'EdDSA', use: 'sig' }],
};

/** A feed ticket (docs/feed.md, "Browsers"): single-use, 60 seconds. */
export const FEED_TICKET_EXAMPLE = { ticket: 'kJ8f…', expiresIn: 60 };

/** The server-sent events docs/feed.md shows. */
export const FEED_STREAM_EXAMPLE =
  'retry: 1000\n\nid: 2\nevent: entry\ndata: {"position":"2","kind":"reservation.reserve",…}\n\n';

/** The snapshot docs/feed.md shows. */
export const SNAPSHOT_EXAMPLE = [
  '{"type":"snapshot","environmentId":"demo","position":"3"}',
  '{"type":"stock","partitionId":"usmf~1~11","organizationId":"usmf","productId":"T-shirt",…,"measure":"inbound","quantity":"5","countedAt":null}',
  '{"type":"end","position":"3","counts":{"stock":3,"schedule":0}}',
  '',
].join('\n');

/** Two of the metrics docs/api.md names (Prometheus text format). */
export const METRICS_EXAMPLE = [
  '# HELP onhand_write_items_total Write items by operation and processing status.',
  '# TYPE onhand_write_items_total counter',
  'onhand_write_items_total{operation="onhand",status="success"} 3',
  '',
].join('\n');
