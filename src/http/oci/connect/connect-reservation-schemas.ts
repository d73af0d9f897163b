import { Type } from '@sinclair/typebox';

/** Schemas of the Connect reservation resources (spec §7); values are checked by the engine. */

const id = Type.String({ minLength: 1, maxLength: 128 });
const quantity = Type.Number({ description: 'A multiple of 0.001 (checked by the engine).' });
const place = {
  locationIdentifier: Type.Optional(id),
  locationGroupIdentifier: Type.Optional(id),
};

export const ConnectCreateReservation = Type.Object(
  {
    actionRequestId: Type.String({ description: 'Becomes the reservation id (its idempotency key).' }),
    allowPartialReservations: Type.Optional(Type.Boolean()),
    expirationSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 14_400 })),
    externalRefId: Type.Optional(Type.String()),
    reservationTime: Type.Optional(Type.String({ format: 'date-time' })),
    createRecords: Type.Array(
      Type.Object({ ...place, stockKeepingUnit: Type.String(), quantity }, { additionalProperties: false }),
      { maxItems: 100 },
    ),
  },
  {
    title: 'ConnectCreateReservation',
    additionalProperties: false,
    examples: [
      {
        actionRequestId: '5b1e1f3a-0c55-4a51-9d7e-3f5f9f1c2a10',
        expirationSeconds: 600,
        createRecords: [{ locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku123', quantity: 2 }],
      },
    ],
  },
);

export const ConnectReservationOutput = Type.Object(
  {
    success: Type.Boolean(),
    reservationTime: Type.String(),
    expirationTime: Type.Optional(Type.String()),
    details: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    errors: Type.Array(Type.Object({ errorCode: Type.String(), message: Type.String() })),
  },
  {
    title: 'ConnectReservationOutput',
    examples: [
      {
        success: true,
        reservationTime: '2026-12-03T10:00:00.000Z',
        expirationTime: '2026-12-03T10:10:00.000Z',
        details: [{ locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku123', quantity: 2 }],
        errors: [],
      },
    ],
  },
);

const movement = {
  actionRequestId: Type.String(),
  externalRefId: Type.Optional(Type.String()),
  stockKeepingUnit: Type.String(),
  quantity,
  reservationId: Type.Optional(
    Type.String({ description: 'Accepted; movements act on the OCI holds of the place.' }),
  ),
};

const envelope = (list: string, record: ReturnType<typeof Type.Object>, title: string, example: unknown) =>
  Type.Object(
    {
      reservationId: Type.Optional(Type.String()),
      [list]: Type.Array(record, { maxItems: 100 }),
    },
    { title, additionalProperties: false, examples: [example] },
  );

export const ConnectFulfillments = envelope(
  'fulfillmentRecords',
  Type.Object({ ...movement, locationIdentifier: id }, { additionalProperties: false }),
  'ConnectFulfillReservation',
  {
    fulfillmentRecords: [
      { actionRequestId: 'f-1', stockKeepingUnit: 'sku123', quantity: 1, locationIdentifier: 'surprise' },
    ],
  },
);

export const ConnectReleases = envelope(
  'releaseRecords',
  Type.Object({ ...movement, ...place }, { additionalProperties: false }),
  'ConnectReleaseReservation',
  {
    releaseRecords: [
      { actionRequestId: 'r-1', stockKeepingUnit: 'sku123', quantity: 1, locationGroupIdentifier: 'arizona' },
    ],
  },
);

export const ConnectTransfers = Type.Object(
  {
    allOrNothingTransferId: Type.Optional(id),
    reservationId: Type.Optional(Type.String()),
    transferRecords: Type.Array(
      Type.Object(
        {
          ...movement,
          fromLocationIdentifier: Type.Optional(id),
          fromLocationGroupIdentifier: Type.Optional(id),
          toLocationIdentifier: Type.Optional(id),
          toLocationGroupIdentifier: Type.Optional(id),
          ignoreAvailabilityCheck: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  },
  {
    title: 'ConnectTransferReservation',
    additionalProperties: false,
    examples: [
      {
        transferRecords: [
          {
            actionRequestId: 't-1',
            stockKeepingUnit: 'sku123',
            quantity: 1,
            fromLocationGroupIdentifier: 'arizona',
            toLocationIdentifier: 'surprise',
          },
        ],
      },
    ],
  },
);

export const ConnectUpdateReservation = Type.Object(
  {
    actionRequestId: Type.String({
      description: "The update's idempotency key: the same id and body answer the first answer again.",
    }),
    reservationId: Type.String({ description: 'The reservation (the actionRequestId of its create).' }),
    allowPartialReservations: Type.Optional(
      Type.Boolean({ description: 'Each record by itself, a raise may be granted in part (default false).' }),
    ),
    updateAllOrNothingRecords: Type.Optional(
      Type.Boolean({ description: 'The whole update or nothing, even with allowPartialReservations.' }),
    ),
    externalRefId: Type.Optional(Type.String()),
    reservationTime: Type.Optional(Type.String({ format: 'date-time' })),
    updateRecords: Type.Array(
      Type.Object(
        {
          ...place,
          stockKeepingUnit: Type.String(),
          quantity: Type.Number({
            description:
              'The quantity the reservation is to hold there: its new total (0 releases the line).',
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  {
    title: 'ConnectUpdateReservation',
    additionalProperties: false,
    examples: [
      {
        actionRequestId: '0c6d3e52-8f3b-4a8e-9a51-2b7c1d9e4f01',
        reservationId: '5b1e1f3a-0c55-4a51-9d7e-3f5f9f1c2a10',
        updateRecords: [{ locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku123', quantity: 5 }],
      },
    ],
  },
);

export const ConnectUpdateReservationOutput = Type.Object(
  {
    success: Type.Boolean(),
    reservationTime: Type.String(),
    expirationTime: Type.Optional(Type.String()),
    details: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
      description:
        'One per record: quantity (held now), adjustment (the change, negative when lowered), errorCode when refused.',
    }),
    errors: Type.Array(Type.Object({ errorCode: Type.String(), message: Type.String() })),
  },
  {
    title: 'ConnectUpdateReservationOutput',
    examples: [
      {
        success: true,
        reservationTime: '2026-12-03T10:05:00.000Z',
        expirationTime: '2026-12-03T10:10:00.000Z',
        details: [
          { locationGroupIdentifier: 'arizona', stockKeepingUnit: 'sku123', quantity: 5, adjustment: 3 },
        ],
        errors: [],
      },
    ],
  },
);
