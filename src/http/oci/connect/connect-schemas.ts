import { Type } from '@sinclair/typebox';
import { CONNECT_ERROR_CODES } from './connect-errors.js';

/**
 * Schemas of the Connect REST flavour (spec §7; docs/oci.md, "Connect REST flavour"): the field names
 * of the Salesforce platform's OCI resources. Quantities are JSON numbers, multiples of 0.001.
 */

const qty = (description: string) => Type.Number({ minimum: 0, multipleOf: 0.001, description });
const sku = Type.String({ minLength: 2, maxLength: 250, description: 'The SKU (= IV productId).' });
const locationIdentifier = Type.String({ minLength: 2, maxLength: 128, pattern: '^[a-zA-Z0-9-_]*$' });
const groupIdentifier = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9-_]*$' });
const dateTime = Type.String({ format: 'date-time' });

export const ConnectVersionParams = Type.Object(
  { version: Type.String({ description: 'The API version, v51.0 to v99.0.', examples: ['v62.0'] }) },
  { title: 'ConnectVersionParams' },
);

export const ConnectUploadParams = Type.Object(
  { version: Type.String({ description: 'The API version, v51.0 to v99.0.' }), uploadId: Type.String() },
  { title: 'ConnectUploadParams' },
);

export const ConnectAvailabilityRequest = Type.Object(
  {
    stockKeepingUnit: Type.Optional(sku),
    locationGroupIdentifier: Type.Optional(groupIdentifier),
    stockKeepingUnits: Type.Optional(Type.Array(sku, { maxItems: 100 })),
    locationIdentifiers: Type.Optional(Type.Array(locationIdentifier, { maxItems: 100 })),
    locationGroupIdentifiers: Type.Optional(Type.Array(groupIdentifier, { maxItems: 100 })),
    useCache: Type.Optional(
      Type.Boolean({ description: 'Accepted and ignored: Onhand has no read cache, every answer is live.' }),
    ),
    includeRelatedProducts: Type.Optional(
      Type.Boolean({ description: 'Accepted (v64.0+); Onhand has no related products to add.' }),
    ),
  },
  {
    title: 'ConnectAvailabilityRequest',
    additionalProperties: false,
    examples: [
      { stockKeepingUnits: ['sku123'], locationIdentifiers: ['warehouse5'], useCache: false },
      { stockKeepingUnit: 'sku123', locationGroupIdentifier: 'UnitedStates' },
    ],
  },
);

const ConnectFuture = Type.Object(
  { quantity: qty('Expected inbound quantity.'), expectedDate: dateTime },
  { title: 'ConnectFuture' },
);

export const ConnectInventoryRecord = Type.Object(
  {
    stockKeepingUnit: sku,
    onHand: qty('Physical count.'),
    reserved: qty('Reserved.'),
    safetyStockCount: qty('Held back from availableToFulfill and availableToOrder.'),
    availableToFulfill: qty('atf of the SCAPI flavour.'),
    availableToOrder: qty('ato of the SCAPI flavour.'),
    effectiveDate: Type.Optional(dateTime),
    futures: Type.Array(ConnectFuture),
    exists: Type.Boolean({ description: 'Whether the SKU has any stock record at the place.' }),
  },
  { title: 'ConnectInventoryRecord' },
);

const exampleRecord = {
  stockKeepingUnit: 'sku123',
  onHand: 10,
  reserved: 1,
  safetyStockCount: 2,
  availableToFulfill: 7,
  availableToOrder: 12,
  effectiveDate: '2026-12-01T00:00:00.000Z',
  futures: [{ quantity: 5, expectedDate: '2026-12-24T00:00:00.000Z' }],
  exists: true,
};

export const ConnectAvailabilityAnswer = Type.Object(
  {
    locations: Type.Array(
      Type.Object({ locationIdentifier, inventoryRecords: Type.Array(ConnectInventoryRecord) }),
    ),
    locationGroups: Type.Array(
      Type.Object({
        locationGroupIdentifier: groupIdentifier,
        inventoryRecords: Type.Array(ConnectInventoryRecord),
      }),
    ),
  },
  {
    title: 'ConnectAvailabilityAnswer',
    examples: [
      {
        locations: [{ locationIdentifier: 'warehouse5', inventoryRecords: [exampleRecord] }],
        locationGroups: [],
      },
    ],
  },
);

const anyQty = (description: string) =>
  Type.Optional(Type.Unknown({ description: `${description}: a number ≥ 0, multiple of 0.001` }));

/** A record: the quantities and dates are checked record by record (a bad record fails alone). */
export const ConnectAvailabilityRecord = Type.Object(
  {
    actionRequestId: Type.String({
      description: 'Idempotency key (SCAPI record id): with the SKU, a repeat changes nothing.',
    }),
    stockKeepingUnit: Type.String(),
    locationIdentifier: Type.String(),
    onHand: anyQty('Physical count'),
    safetyStockCount: anyQty('Safety stock'),
    effectiveDate: Type.Optional(Type.Unknown({ description: 'RFC 3339 date-time' })),
    futures: Type.Optional(
      Type.Array(
        Type.Object(
          { quantity: Type.Unknown(), expectedDate: Type.Unknown() },
          { additionalProperties: false },
        ),
      ),
    ),
    externalRefId: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { title: 'ConnectAvailabilityRecord', additionalProperties: false },
);

export const ConnectBatchUpdateBody = Type.Object(
  { records: Type.Array(ConnectAvailabilityRecord, { maxItems: 100 }) },
  {
    title: 'ConnectBatchUpdateRequest',
    additionalProperties: false,
    examples: [
      {
        records: [
          {
            actionRequestId: 'c6f9b2a4-1d3e-4f5a-9b8c-7d6e5f4a3b2c',
            stockKeepingUnit: 'sku123',
            locationIdentifier: 'warehouse5',
            onHand: 10,
            safetyStockCount: 2,
            effectiveDate: '2026-12-01T00:00:00Z',
          },
        ],
      },
    ],
  },
);

export const ConnectBaseOutput = Type.Object(
  {
    success: Type.Boolean(),
    errors: Type.Array(
      Type.Object({
        details: Type.Optional(Type.Record(Type.String(), Type.String())),
        errorCode: Type.String({ description: 'The OCI errorCode of the failed record.' }),
        message: Type.String(),
      }),
    ),
  },
  {
    title: 'ConnectBaseOutput',
    examples: [
      { success: true, errors: [] },
      {
        success: false,
        errors: [
          {
            details: { actionRequestId: 'r-1', stockKeepingUnit: 'sku123', locationIdentifier: 'nowhere' },
            errorCode: 'LocationDoesNotExist',
            message: 'Location "nowhere" does not exist.',
          },
        ],
      },
    ],
  },
);

/** multipart/form-data with the file in the part fileUpload (streamed by the route, never parsed whole). */
export const ConnectUploadBody = Type.Object(
  {
    fileUpload: Type.String({
      format: 'binary',
      description: 'The file: NDJSON availability records (gzip or not), or a location graph document',
    }),
  },
  {
    title: 'ConnectFileUpload',
    examples: [
      {
        fileUpload:
          '{"recordId":"0a87539d-f3dd-47bc-91c7-9c752e39dbe0","sku":"sku123","locationId":"surprise","onHand":27}\n',
      },
    ],
  },
);

export const ConnectUploadOutput = Type.Object(
  { uploadId: Type.String(), success: Type.Boolean(), errors: Type.Array(Type.Object({})) },
  {
    title: 'ConnectUploadOutput',
    examples: [{ uploadId: '0d5b2b36-9f3a-4d3b-8f65-0e8f0a4c8d11', success: true, errors: [] }],
  },
);

export const ConnectUploadStatus = Type.Object(
  {
    uploadId: Type.String(),
    status: Type.String({
      description:
        'PENDING, RUNNING, COMPLETED or FAILED (WAITING/EXPIRED never: the file came with the request).',
    }),
    validationStatus: Type.String({ description: 'Success, Failed or Pending.' }),
    validationErrors: Type.Array(Type.String()),
    recordsReadCount: Type.Integer(),
    recordsProcessedCount: Type.Integer(),
    recordsSkippedCount: Type.Integer(),
    startTimeUTC: Type.Optional(dateTime),
    endTimeUTC: Type.Optional(dateTime),
  },
  {
    title: 'ConnectUploadStatus',
    examples: [
      {
        uploadId: '0d5b2b36-9f3a-4d3b-8f65-0e8f0a4c8d11',
        status: 'COMPLETED',
        validationStatus: 'Success',
        validationErrors: [],
        recordsReadCount: 2,
        recordsProcessedCount: 2,
        recordsSkippedCount: 0,
        startTimeUTC: '2026-12-03T15:00:00.000Z',
        endTimeUTC: '2026-12-03T15:00:01.000Z',
      },
    ],
  },
);

export const ConnectErrorBody = Type.Array(
  Type.Object({
    errorCode: Type.Union(CONNECT_ERROR_CODES.map((c) => Type.Literal(c))),
    message: Type.String(),
  }),
  { title: 'ConnectErrors' },
);

/** The refusals every Connect route may answer, as the platform's `[{ errorCode, message }]`. */
export function connectErrors(...statuses: number[]) {
  return Object.fromEntries(
    [400, 401, 403, 404, 429, ...statuses].map((s) => [
      s,
      { description: 'Refused', content: { 'application/json': { schema: ConnectErrorBody } } },
    ]),
  );
}
