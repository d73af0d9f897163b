import { Type } from '@sinclair/typebox';
import { OCI_ERROR_CODES } from './oci-problem.js';

/**
 * Schemas of the OCI routes (docs/oci.md). Request bodies are validated in the handlers (so a bad
 * record fails alone, with its field); these drive the OpenAPI document. Quantities are JSON numbers,
 * multiples of 0.001.
 */

const qty = (description: string, minimum = 0) => Type.Number({ minimum, multipleOf: 0.001, description });
const sku = Type.String({
  minLength: 2,
  maxLength: 250,
  pattern: '^[^\\\\<>;%/\\s]*$',
  description: 'The SKU (= IV productId).',
});
const locationId = Type.String({ minLength: 2, maxLength: 128, pattern: '^[a-zA-Z0-9-_]*$' });
const groupId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9-_]*$' });
const dateTime = Type.String({ format: 'date-time' });

export const OrganizationParams = Type.Object(
  { organizationId: Type.String({ description: 'The OCI organization: the Onhand environment id.' }) },
  { title: 'OciOrganizationParams' },
);

export const SkuLocationParams = Type.Object(
  {
    organizationId: Type.String(),
    locationId,
    sku,
    requestId: Type.String({ description: 'Idempotency key: with the SKU, a repeat changes nothing.' }),
  },
  { title: 'OciSkuLocationParams' },
);

export const OciFuture = Type.Object(
  { quantity: qty('Expected inbound quantity.', 0.001), expectedDate: dateTime },
  { title: 'OciFuture', additionalProperties: false },
);

export const AvailabilityRequestBody = Type.Object(
  {
    sku: Type.Optional(sku),
    group: Type.Optional(groupId),
    skus: Type.Optional(Type.Array(sku, { maxItems: 100 })),
    locations: Type.Optional(Type.Array(locationId, { maxItems: 100 })),
    groups: Type.Optional(Type.Array(groupId, { maxItems: 100 })),
  },
  {
    title: 'OciAvailabilityRequest',
    additionalProperties: false,
    examples: [{ skus: ['sku123'], locations: ['warehouse5'], groups: ['UnitedStates'] }],
  },
);

const recordFields = {
  sku,
  onHand: qty('Physical count (IV: iom.onhand).'),
  reserved: qty('Reserved (IV: the reservation measure).'),
  safetyStockCount: qty('Held back from atf and ato.'),
  atf: qty('Available to fulfil.'),
  ato: qty('Available to order.'),
  effectiveDate: Type.Optional(dateTime),
  futures: Type.Array(OciFuture),
};

export const LocationRecordSchema = Type.Object(recordFields, { title: 'OciLocationRecord' });
export const GroupRecordSchema = Type.Object(
  {
    ...recordFields,
    groupReserved: qty('Reserved at the group.'),
    sharedGroupReserved: qty('Reserved by groups sharing locations.'),
  },
  { title: 'OciGroupRecord' },
);

const AVAILABILITY_EXAMPLE = {
  locations: [
    {
      id: 'surprise',
      records: [
        {
          sku: 'sku123',
          onHand: 27,
          reserved: 0,
          safetyStockCount: 10,
          atf: 17,
          ato: 27.25,
          futures: [{ quantity: 10.25, expectedDate: '2030-08-24T00:00:00.000Z' }],
        },
      ],
    },
  ],
  groups: [
    {
      id: 'arizona',
      records: [
        {
          sku: 'sku123',
          onHand: 77,
          reserved: 0,
          safetyStockCount: 30,
          atf: 47,
          ato: 67.5,
          futures: [{ quantity: 20.5, expectedDate: '2030-08-24T00:00:00.000Z' }],
          groupReserved: 0,
          sharedGroupReserved: 0,
        },
      ],
    },
  ],
};

export const AvailabilityAnswerSchema = Type.Object(
  {
    locations: Type.Array(
      Type.Object(
        { id: locationId, records: Type.Array(LocationRecordSchema) },
        { title: 'OciLocationAvailability' },
      ),
    ),
    groups: Type.Optional(
      Type.Array(
        Type.Object(
          { id: groupId, records: Type.Array(GroupRecordSchema) },
          { title: 'OciGroupAvailability' },
        ),
      ),
    ),
  },
  { title: 'OciAvailability', examples: [AVAILABILITY_EXAMPLE] },
);

const updateFields = {
  onHand: Type.Optional(Type.Unknown({ description: 'number ≥ 0, multiple of 0.001' })),
  safetyStockCount: Type.Optional(Type.Unknown({ description: 'number ≥ 0, multiple of 0.001' })),
  effectiveDate: Type.Optional(Type.Unknown({ description: 'RFC 3339 date-time' })),
  futureStock: Type.Optional(
    Type.Array(
      Type.Object(
        { quantity: Type.Unknown(), expectedDate: Type.Unknown() },
        { additionalProperties: false },
      ),
    ),
  ),
  externalRefId: Type.Optional(Type.String({ maxLength: 1024 })),
};

export const AvailabilityRecordBody = Type.Object(
  {
    id: Type.String({ description: 'Idempotence id (with the SKU).' }),
    sku: Type.String(),
    location: Type.String(),
    ...updateFields,
  },
  { title: 'OciAvailabilityRecord', additionalProperties: false },
);

export const BatchUpdateBody = Type.Object(
  { records: Type.Array(AvailabilityRecordBody, { maxItems: 100 }) },
  {
    title: 'OciBatchUpdate',
    additionalProperties: false,
    examples: [
      { records: [{ id: 'r-1', sku: 'sku123', location: 'surprise', onHand: 27, safetyStockCount: 10 }] },
    ],
  },
);

export const SkuLocationBodySchema = Type.Object(updateFields, {
  title: 'OciSkuLocationUpdate',
  additionalProperties: false,
  examples: [{ onHand: 27, safetyStockCount: 10, effectiveDate: '2026-12-03T09:00:00Z' }],
});

export const BatchErrorsSchema = Type.Object(
  {
    errors: Type.Array(
      Type.Object(
        {
          details: Type.Object({
            id: Type.String(),
            sku: Type.String(),
            locationId: Type.String(),
            externalRefId: Type.Optional(Type.String()),
          }),
          errorCode: Type.String(),
          message: Type.String(),
        },
        { title: 'OciRecordError' },
      ),
    ),
  },
  {
    title: 'OciBatchErrors',
    examples: [
      {
        errors: [
          {
            details: { id: 'r-2', sku: 'sku123', locationId: 'nowhere' },
            errorCode: 'LocationDoesNotExist',
            message: 'Location "nowhere" does not exist.',
          },
        ],
      },
    ],
  },
);

export const SegmentationBody = Type.Object(
  {
    groups: Type.Array(
      Type.Object(
        {
          groupId: Type.String({ minLength: 1, maxLength: 128, pattern: '^[*a-zA-Z0-9-_]*$' }),
          mode: Type.Union([Type.Literal('APPEND'), Type.Literal('DELETE')]),
          skus: Type.Array(sku),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    title: 'OciProductSegmentation',
    additionalProperties: false,
    examples: [{ groups: [{ groupId: 'arizona', mode: 'APPEND', skus: ['sku999'] }] }],
  },
);

export const SegmentationErrors = Type.Object(
  { errors: Type.Array(Type.Object({ error: Type.String() })) },
  {
    title: 'OciSegmentationErrors',
    examples: [
      { errors: [{ error: 'Failed to create product segmentation for group id WarehouseOne and sku 15' }] },
    ],
  },
);

/** The problem+json body of every OCI refusal (spec §1.3). */
export const OciProblemBody = Type.Object(
  {
    type: Type.String(),
    errorCode: Type.Union(OCI_ERROR_CODES.map((c) => Type.Literal(c))),
    message: Type.String(),
    parameterName: Type.Optional(Type.String()),
    detail: Type.Optional(Type.String()),
    location: Type.Optional(Type.String()),
    group: Type.Optional(Type.String()),
  },
  { title: 'OciProblem' },
);

export const OciUnauthorizedBody = Type.Object(
  { type: Type.String(), title: Type.String(), detail: Type.String() },
  { title: 'OciUnauthorized' },
);

/** The refusals every OCI route may answer, as `application/problem+json` (401: the gateway's shape). */
export function ociErrors(...statuses: number[]) {
  const problem = (schema: typeof OciProblemBody | typeof OciUnauthorizedBody, description: string) => ({
    description,
    content: { 'application/problem+json': { schema } },
  });
  return {
    401: problem(OciUnauthorizedBody, 'No valid bearer token (with WWW-Authenticate).'),
    ...Object.fromEntries(
      [400, 403, 429, ...statuses].map((s) => [s, problem(OciProblemBody, 'Refused (spec §1.3).')]),
    ),
  };
}

/** A 204 answer: no body. */
export const NoContent = Type.Null({ description: 'Every record applied; no body.' });
