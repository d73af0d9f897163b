import { type TSchema, Type } from '@sinclair/typebox';

/**
 * A quantity: a JSON number, or a numeric string (accepted for compatibility, spec §2.1). Declared as
 * number-or-string for the OpenAPI document but not checked by the schema: the domain parses it
 * (domain/quantity.ts) and answers invalid_quantity, quantity_precision or quantity_out_of_range.
 */
export const Quantity = Type.Unknown({
  anyOf: [{ type: 'number' }, { type: 'string' }],
  description: 'Decimal quantity, at most 6 decimal places; a number or a numeric string such as "10.5".',
});

/** `{ dataSource: { measure: quantity } }` */
export const Quantities = Type.Record(Type.String(), Type.Record(Type.String(), Quantity), {
  description: 'Quantities by data source and measure.',
});

export const Dimensions = Type.Record(Type.String(), Type.String(), {
  description: 'Dimension name → value. Names are base dimensions, or names mapped by dimensionDataSource.',
});

export const NullableString = Type.Union([Type.String(), Type.Null()]);

/** The spec §2.3 write envelope. */
export const WriteResult = Type.Object(
  {
    id: Type.String(),
    processingStatus: Type.String({
      description: 'success | partialSuccess | failure | conflict | notFound | unknown',
    }),
    message: Type.String(),
    statusCode: Type.Integer(),
    code: Type.Optional(
      Type.String({ description: 'Stable error code (failures only), see docs/errors.md.' }),
    ),
    details: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: true },
);

/** The spec §2.3 bulk buckets. */
export const BulkResult = Type.Object({
  success: Type.Array(WriteResult),
  failure: Type.Array(WriteResult),
  conflict: Type.Array(WriteResult),
  notFound: Type.Array(WriteResult),
  partialSuccess: Type.Array(WriteResult),
  unknown: Type.Array(WriteResult),
});

/** The error shape of everything that is not a write envelope. */
export const ErrorBody = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Array(Type.Object({ code: Type.String(), path: Type.String(), message: Type.String() })),
});

export const EnvironmentParams = Type.Object({
  environmentId: Type.String({
    description: 'Environment id (1-64 of letters, digits, ".", "_", "-"; case-insensitive).',
  }),
});

/** Error responses every authenticated route can give. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries([400, 401, 403, 404, ...statuses].map((s) => [s, ErrorBody]));
}
