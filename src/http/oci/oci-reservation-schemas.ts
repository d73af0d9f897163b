import { Type } from '@sinclair/typebox';

/** TypeBox schemas of the OCI Inventory Reservation API (spec §3; docs/oci.md, "Reservations"). */

const qty = Type.Number({ description: 'A multiple of 0.001, at least 0.001 (checked by the engine).' });
const skuQuantity = Type.Object(
  { sku: Type.String({ minLength: 1, maxLength: 250 }), quantity: qty },
  { title: 'OciSkuQuantity', additionalProperties: false },
);
const placeId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_-]*$' });

export const ReservationParams = Type.Object(
  {
    organizationId: Type.String({ description: 'The OCI organization: the Onhand environment id.' }),
    reservationId: Type.String({ description: 'Client-chosen reservation id (1–128 of [A-Za-z0-9-_]).' }),
  },
  { title: 'OciReservationParams' },
);

export const ReservationBody = Type.Object(
  {
    externalRefId: Type.Optional(Type.String()),
    expirationSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 14_400 })),
    allowPartialReservations: Type.Optional(Type.Boolean({ default: true })),
    reservationTime: Type.Optional(Type.String({ format: 'date-time' })),
    fulfillOnly: Type.Optional(Type.Boolean()),
    locations: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: placeId,
            reservations: Type.Optional(Type.Array(skuQuantity)),
            allOrNothingReservations: Type.Optional(
              Type.Array(
                Type.Object(
                  { id: placeId, reservations: Type.Array(skuQuantity) },
                  { title: 'OciAllOrNothingReservations', additionalProperties: false },
                ),
              ),
            ),
          },
          { title: 'OciLocationReservations', additionalProperties: false },
        ),
      ),
    ),
    groups: Type.Optional(
      Type.Array(
        Type.Object(
          { id: placeId, reservations: Type.Array(skuQuantity) },
          { title: 'OciGroupReservations', additionalProperties: false },
        ),
      ),
    ),
  },
  {
    title: 'OciReservationRequest',
    additionalProperties: false,
    examples: [
      { expirationSeconds: 600, groups: [{ id: 'arizona', reservations: [{ sku: 'sku123', quantity: 2 }] }] },
    ],
  },
);

const placeAnswer = Type.Object(
  {
    id: Type.String(),
    details: Type.Array(Type.Object({ sku: Type.String(), quantity: Type.Number() })),
    errors: Type.Array(
      Type.Object({ sku: Type.String(), errorCode: Type.String(), message: Type.Optional(Type.String()) }),
    ),
  },
  { title: 'OciReservationPlace' },
);

export const ReservationAnswerSchema = Type.Object(
  {
    reservationTime: Type.String(),
    expirationTime: Type.Optional(Type.String()),
    success: Type.Boolean(),
    locations: Type.Array(placeAnswer),
    groups: Type.Array(placeAnswer),
  },
  {
    title: 'OciReservationResponse',
    examples: [
      {
        reservationTime: '2026-12-03T10:00:00.000Z',
        expirationTime: '2026-12-03T10:10:00.000Z',
        success: true,
        locations: [],
        groups: [{ id: 'arizona', details: [{ sku: 'sku123', quantity: 2 }], errors: [] }],
      },
    ],
  },
);

export const CancelBody = Type.Object(
  { status: Type.Literal('CANCELLED') },
  { title: 'OciReservationCancel', additionalProperties: false, examples: [{ status: 'CANCELLED' }] },
);

const place = Type.Object(
  { location: Type.Optional(placeId), group: Type.Optional(placeId) },
  { title: 'OciPlace', additionalProperties: false },
);
const common = {
  id: Type.String({ minLength: 1 }),
  externalRefId: Type.Optional(Type.String()),
  sku: Type.String({ minLength: 1, maxLength: 250 }),
};

export const ReleasesBody = Type.Object(
  {
    records: Type.Array(
      Type.Object(
        {
          ...common,
          quantity: Type.Number({ description: 'A multiple of 0.001, at least 0.' }),
          location: Type.Optional(placeId),
          group: Type.Optional(placeId),
        },
        { title: 'OciReleaseRecord', additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  },
  {
    title: 'OciReleases',
    additionalProperties: false,
    examples: [{ records: [{ id: 'rel-1', sku: 'sku123', quantity: 1, group: 'arizona' }] }],
  },
);

export const FulfillmentsBody = Type.Object(
  {
    records: Type.Array(
      Type.Object(
        {
          ...common,
          quantity: qty,
          location: placeId,
          fulfillmentTime: Type.Optional(Type.String({ format: 'date-time' })),
        },
        { title: 'OciFulfillmentRecord', additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  },
  {
    title: 'OciFulfillments',
    additionalProperties: false,
    examples: [{ records: [{ id: 'ful-1', sku: 'sku123', quantity: 1, location: 'surprise' }] }],
  },
);

export const TransfersBody = Type.Object(
  {
    allOrNothingTransferId: Type.Optional(placeId),
    records: Type.Array(
      Type.Object(
        {
          ...common,
          quantity: qty,
          from: place,
          to: place,
          ignoreAvailabilityCheck: Type.Optional(Type.Boolean()),
        },
        { title: 'OciTransferRecord', additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  },
  {
    title: 'OciTransfers',
    additionalProperties: false,
    examples: [
      {
        records: [
          {
            id: 'tr-1',
            sku: 'sku123',
            quantity: 1,
            from: { group: 'arizona' },
            to: { location: 'surprise' },
          },
        ],
      },
    ],
  },
);

export const MovementErrorsSchema = Type.Object(
  {
    errors: Type.Array(
      Type.Object(
        {
          details: Type.Record(Type.String(), Type.Unknown()),
          errorCode: Type.String(),
          message: Type.String(),
        },
        { title: 'OciMovementError' },
      ),
    ),
  },
  {
    title: 'OciMovementErrors',
    examples: [
      {
        errors: [
          {
            details: { id: 'rel-1', group: 'arizona', sku: 'sku123', quantity: 5 },
            errorCode: 'InsufficientQuantity',
            message: 'Not enough reserved quantity at group arizona; nothing of the record was applied.',
          },
        ],
      },
    ],
  },
);
