import { Type } from '@sinclair/typebox';
import { Dimensions, NullableString, Quantities, Quantity } from './common.js';
import { OnHandChange } from './onhand.js';

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
  { additionalProperties: false },
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
  { additionalProperties: false },
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
  { additionalProperties: false },
);

/** Moving the expiry of a reservation (extension). */
export const ExtendBody = Type.Object(
  {
    expiresAt: Type.Optional(Type.String()),
    ttlSeconds: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
