import { type TSchema, Type } from '@sinclair/typebox';

/*
 * Schemas with a `title` are named schemas: the OpenAPI document lists each once, under its title, in
 * components.schemas (docs/architecture.md, "The OpenAPI document"). Every request body and every 2xx
 * and 4xx response of a route is one.
 */

/**
 * A quantity: a JSON number, or a numeric string (accepted for compatibility, spec §2.1). Declared as
 * number-or-string for the OpenAPI document but not checked by the schema: the domain parses it
 * (domain/quantity.ts) and answers invalid_quantity, quantity_precision or quantity_out_of_range.
 */
export const Quantity = Type.Unknown({
  title: 'Quantity',
  anyOf: [{ type: 'number' }, { type: 'string' }],
  description: 'Decimal quantity, at most 6 decimal places; a number or a numeric string such as "10.5".',
});

/** `{ dataSource: { measure: quantity } }` */
export const Quantities = Type.Record(Type.String(), Type.Record(Type.String(), Quantity), {
  title: 'Quantities',
  description: 'Quantities by data source and measure.',
});

export const Dimensions = Type.Record(Type.String(), Type.String(), {
  title: 'Dimensions',
  description: 'Dimension name → value. Names are base dimensions, or names mapped by dimensionDataSource.',
});

export const NullableString = Type.Union([Type.String(), Type.Null()]);

/** One bad field of an error: its own code, the JSON pointer of the field, what to fix. */
export const ErrorDetail = Type.Object(
  { code: Type.String(), path: Type.String(), message: Type.String() },
  { title: 'ErrorDetail' },
);

/** The spec §2.3 write envelope, with the extension fields reservation writes add. */
export const WriteResult = Type.Object(
  {
    reservationId: Type.Optional(
      Type.String({ description: 'Reserve, unreserve, offset: the reservation concerned.' }),
    ),
    expiresAt: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: 'Reserve (extension): when the reservation is released on its own.',
      }),
    ),
    totalInvalidOffsetQtyByReservId: Type.Optional(
      Type.Number({ description: 'Unreserve, offset: the part of the quantity that was not reserved.' }),
    ),
    id: Type.String({ description: 'The request id, prefixed for reservations and schedules (spec §2.3).' }),
    processingStatus: Type.String({
      description: 'success | partialSuccess | failure | conflict | notFound | unknown',
    }),
    message: Type.String(),
    statusCode: Type.Integer(),
    code: Type.Optional(
      Type.String({ description: 'Stable error code (failures only), see docs/errors.md.' }),
    ),
    details: Type.Optional(Type.Array(ErrorDetail)),
  },
  {
    title: 'WriteResult',
    additionalProperties: true,
    examples: [{ id: 'Test201', processingStatus: 'success', message: '', statusCode: 200 }],
  },
);

/** The spec §2.3 bulk buckets. */
export const BulkResult = Type.Object(
  {
    success: Type.Array(WriteResult),
    failure: Type.Array(WriteResult),
    conflict: Type.Array(WriteResult),
    notFound: Type.Array(WriteResult),
    partialSuccess: Type.Array(WriteResult),
    unknown: Type.Array(WriteResult),
  },
  {
    title: 'BulkResult',
    examples: [
      {
        success: [
          { id: 'Test203', processingStatus: 'success', message: '', statusCode: 200 },
          { id: 'Test204', processingStatus: 'success', message: '', statusCode: 200 },
        ],
        failure: [],
        conflict: [],
        notFound: [],
        partialSuccess: [],
        unknown: [],
      },
    ],
  },
);

/** The error shape of everything that is not a write envelope. */
export const ErrorBody = Type.Object(
  { code: Type.String(), message: Type.String(), details: Type.Array(ErrorDetail) },
  { title: 'Error' },
);

/** A single write that failed: its envelope, or the error shape when the request as a whole is refused. */
export const WriteError = Type.Union([WriteResult, ErrorBody], { title: 'WriteError' });

export const EnvironmentParams = Type.Object({
  environmentId: Type.String({
    description: 'Environment id (1-64 of letters, digits, ".", "_", "-"; case-insensitive).',
  }),
});

/** The Api-Version header of the IV routes that read it (spec §2.1). */
export const ApiVersionHeader = Type.Object({
  'Api-Version': Type.Optional(
    Type.String({
      enum: ['1.0', '2.0'],
      default: '1.0',
      description: 'API version; 1.0 when absent. 2.0 selects the paged index query and the v2 exact query.',
    }),
  ),
});

/** Error responses every authenticated route can give (400, 401, 403, 404, 429), plus `statuses`. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries([400, 401, 403, 404, 429, ...statuses].map((s) => [s, ErrorBody]));
}
