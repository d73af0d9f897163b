import { Type } from '@sinclair/typebox';
import { RESERVATION_EXAMPLE } from '../openapi/doc-examples.js';
import { Dimensions, NullableString, Quantities, Quantity } from './common.js';
import { LedgerChange, LedgerOutcome } from './ledger.js';
import { OnHandChange } from './onhand.js';

const cart = { siteId: '1', locationId: '11', colorId: 'red' };

/** A reserve request (spec §2.8) plus Onhand's expiry extension. */
export const ReserveItem = Type.Object(
  {
    id: Type.String({ description: 'Event id: a resubmission with the same id reserves once.' }),
    organizationId: Type.String(),
    productId: Type.String(),
    dimensionDataSource: Type.Optional(NullableString),
    dimensions: Type.Optional(Dimensions),
    quantityDataSource: Type.Optional(NullableString),
    modifier: Type.Optional(
      Type.String({ description: 'The reserved physical measure, e.g. softreserved.' }),
    ),
    quantity: Type.Optional(Quantity),
    quantities: Type.Optional(Quantities),
    ifCheckAvailForReserv: Type.Optional(
      Type.Boolean({ description: 'Check availability first (default true).' }),
    ),
    expiresAt: Type.Optional(
      Type.String({ description: 'Extension: release automatically at this instant (ISO-8601).' }),
    ),
    ttlSeconds: Type.Optional(
      Type.Integer({ description: 'Extension: release automatically after this many seconds.' }),
    ),
  },
  {
    title: 'ReserveRequest',
    additionalProperties: false,
    examples: [
      {
        id: 'cart-7f3a',
        organizationId: 'usmf',
        productId: 'T-shirt',
        dimensions: cart,
        quantityDataSource: 'iv',
        modifier: 'softreserved',
        quantity: 4,
        ifCheckAvailForReserv: true,
        ttlSeconds: 900,
      },
    ],
  },
);

/** An unreserve request (spec §2.8, §5.4). */
export const UnreserveItem = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    productId: Type.Optional(Type.String()),
    reservationId: Type.String(),
    dimensionDataSource: Type.Optional(NullableString),
    dimensions: Type.Optional(Dimensions),
    OffsetQty: Quantity,
  },
  {
    title: 'UnreserveRequest',
    additionalProperties: false,
    examples: [
      {
        id: 'cart-7f3a-remove-1',
        organizationId: 'usmf',
        productId: 'T-shirt',
        reservationId: 'r0mwsx1ls000000-31ed81741c3cbb90',
        dimensions: cart,
        OffsetQty: 1,
      },
    ],
  },
);

/** An offset from the ERP (extension): an on-hand change plus the reservation it fulfils. */
export const OffsetItem = Type.Object(
  {
    ...OnHandChange.properties,
    reservationId: Type.Optional(
      Type.String({ description: 'Reservation to release; omit for auto offset.' }),
    ),
    offsetQty: Quantity,
  },
  {
    title: 'OffsetRequest',
    additionalProperties: false,
    examples: [
      {
        id: 'SO-000123-1',
        organizationId: 'usmf',
        productId: 'T-shirt',
        dimensions: cart,
        quantities: { pos: { outbound: 2 } },
        reservationId: 'r0mwsx1ls000000-31ed81741c3cbb90',
        offsetQty: 2,
      },
    ],
  },
);

/** Moving the expiry of a reservation (extension). */
export const ExtendBody = Type.Object(
  {
    expiresAt: Type.Optional(Type.String()),
    ttlSeconds: Type.Optional(Type.Integer()),
  },
  { title: 'ExtendReservation', additionalProperties: false, examples: [{ ttlSeconds: 900 }] },
);

/** One entry of a reservation's history: a ledger entry that concerns it. */
const ReservationHistoryEntry = Type.Object(
  {
    seq: Type.Integer(),
    kind: Type.String({ description: 'reservation.reserve, .unreserve, .offset, .expire, .extend, …' }),
    eventId: NullableString,
    recordedAt: Type.String(),
    changes: Type.Array(LedgerChange),
    outcome: LedgerOutcome,
  },
  { title: 'ReservationHistoryEntry' },
);

const reservationFields = {
  reservationId: Type.String(),
  partitionId: Type.String(),
  organizationId: Type.String(),
  productId: Type.String(),
  dimensions: Dimensions,
  dataSource: Type.String(),
  measure: Type.String(),
  quantity: Type.Number({ description: 'Reserved at creation.' }),
  remaining: Type.Number({ description: 'Still reserved.' }),
  expiresAt: NullableString,
  status: Type.String({ enum: ['open', 'released', 'expired'] }),
  eventId: Type.String({ description: 'The reserve request’s id.' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
};

/** The open reservations of one product (extension): GET …/onhand/reservations. */
export const ReservationList = Type.Object(
  {
    reservations: Type.Array(Type.Object(reservationFields, { title: 'ReservationSummary' }), {
      description: 'Open reservations of the product in every partition, oldest first.',
    }),
  },
  {
    title: 'ReservationList',
    examples: [
      {
        reservations: [
          (({ history: _history, ...open }) => ({
            ...open,
            remaining: 4,
            status: 'open',
            updatedAt: open.createdAt,
          }))(RESERVATION_EXAMPLE),
        ],
      },
    ],
  },
);

/** Query of GET …/onhand/reservations. */
export const ReservationListQuery = Type.Object({
  organizationId: Type.String({ examples: ['usmf'] }),
  productId: Type.String({ examples: ['T-shirt'] }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

/** Query of GET …/onhand/reservations/{reservationId}. */
export const ReservationViewQuery = Type.Object({
  asOf: Type.Optional(
    Type.String({
      description:
        'The reservation as it was at this moment: an RFC 3339 time or a feed position (docs/feed.md, as-of queries).',
      examples: ['2026-12-03T08:00:00Z'],
    }),
  ),
});

/** A reservation with its remaining quantity, expiry and history (extension). */
export const ReservationView = Type.Object(
  { ...reservationFields, history: Type.Array(ReservationHistoryEntry) },
  { title: 'Reservation', examples: [RESERVATION_EXAMPLE] },
);
