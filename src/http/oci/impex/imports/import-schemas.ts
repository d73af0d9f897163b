import { Type } from '@sinclair/typebox';

const IMPORT_ID = '4f1c7a32-5a0e-4d4f-9a53-0c7b4a1e2f10';
const BASE = '/inventory/impex/v1/organizations/test/availability-records/imports';

export const OrganizationParams = Type.Object({ organizationId: Type.String() });
export const ImportParams = Type.Object({ organizationId: Type.String(), importId: Type.String() });
export const UploadLinkParams = Type.Object({ organizationId: Type.String(), uploadLinkId: Type.String() });
export const ListQuery = Type.Object({
  available: Type.Optional(
    Type.String({ description: '"true": only imports whose upload link is still valid' }),
  ),
});

export const InitiateImportBody = Type.Object(
  {
    fileName: Type.String({ minLength: 1, maxLength: 1024 }),
    linkDuration: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 60, description: 'Minutes (default 60)' }),
    ),
    fileFormat: Type.Optional(Type.String({ description: '"JSON" (the default) only' })),
    fileEncoding: Type.Optional(Type.String({ description: '"GZIP" when compressed (also detected)' })),
    fileHash: Type.Optional(Type.String({ description: 'Hex digest of the file as uploaded' })),
    fileHashType: Type.Optional(Type.Union([Type.Literal('SHA-256'), Type.Literal('SHA-512')])),
  },
  {
    title: 'OciImportRequest',
    examples: [{ fileName: 'availability.ndjson', linkDuration: 10, fileFormat: 'JSON' }],
  },
);

export const InitiatedImport = Type.Object(
  {
    importId: Type.String(),
    importStatusLink: Type.String(),
    uploadLink: Type.String({ description: 'Path relative to the host' }),
    uploadMethod: Type.String(),
    uploadLinkExpirationUTC: Type.String({ format: 'date-time' }),
  },
  {
    title: 'OciImportInitiated',
    examples: [
      {
        importId: IMPORT_ID,
        importStatusLink: `${BASE}/${IMPORT_ID}/status`,
        uploadLink: `${BASE}/uploadlink/9b2d3c4e-1f5a-4b6c-8d7e-0a1b2c3d4e5f`,
        uploadMethod: 'POST',
        uploadLinkExpirationUTC: '2026-12-03T15:10:04.357Z',
      },
    ],
  },
);

export const UploadAccepted = Type.Object(
  { status: Type.String({ description: 'PENDING, RUNNING or COMPLETED' }), importId: Type.String() },
  { title: 'OciImportUploaded', examples: [{ status: 'PENDING', importId: IMPORT_ID }] },
);

export const ImportStatusBody = Type.Object(
  {
    importId: Type.String(),
    status: Type.String({ description: 'WAITING, EXPIRED, PENDING, RUNNING, COMPLETED or FAILED' }),
    validation: Type.Object({ status: Type.String(), errors: Type.Array(Type.String()) }),
    upload: Type.Object({ fileName: Type.String() }),
    import: Type.Object({
      startTimeUTC: Type.Optional(Type.String({ format: 'date-time' })),
      endTimeUTC: Type.Optional(Type.String({ format: 'date-time' })),
      recordsProcessedCount: Type.Integer(),
      recordsReadCount: Type.Integer(),
      recordsSkippedCount: Type.Integer(),
      fullResults: Type.Object({
        href: Type.String(),
        exportResultExpirationUTC: Type.String({ format: 'date-time' }),
      }),
    }),
  },
  {
    title: 'OciImportStatus',
    examples: [
      {
        importId: IMPORT_ID,
        status: 'COMPLETED',
        validation: { status: 'Success', errors: [] },
        upload: { fileName: 'availability.ndjson' },
        import: {
          startTimeUTC: '2026-12-03T14:53:06.788Z',
          endTimeUTC: '2026-12-03T14:53:08.423Z',
          recordsProcessedCount: 4,
          recordsReadCount: 4,
          recordsSkippedCount: 0,
          fullResults: {
            href: `${BASE}/${IMPORT_ID}/file-content`,
            exportResultExpirationUTC: '2026-12-04T14:53:08.423Z',
          },
        },
      },
    ],
  },
);

export const ImportList = Type.Object(
  { imports: Type.Array(Type.String()) },
  { title: 'OciImportList', examples: [{ imports: [IMPORT_ID] }] },
);

export const ResultFile = Type.String({
  title: 'OciImportResultFile',
  description: 'NDJSON: a status line, then one line per refused record',
  examples: [
    '{"status":"COMPLETED_WITH_PARTIAL_FAILURES"}\n{"recordId":"3dd924fb-2fd5-4f49-80de-6ee49439c1f0","locationId":"wickenburg","sku":"1","message":"\'futures[0].quantity\' quantity must be a positive value with at most 3 decimals."}\n',
  ],
});

/** The problem+json body of every OCI refusal, one schema for the OCI API. */
export { OciProblemBody } from '../../oci-schemas.js';

export const UploadBody = Type.Object(
  { fileUpload: Type.String({ format: 'binary', description: 'The NDJSON file, gzip-compressed or not' }) },
  {
    title: 'OciImportUpload',
    examples: [
      {
        fileUpload:
          '{"recordId":"0a87539d-f3dd-47bc-91c7-9c752e39dbe0","sku":"sku1","locationId":"wickenburg","onHand":10}\n',
      },
    ],
  },
);

/** A refusal for the organization: the gateway's shape (no role there) or TenantNotProvisioned. */
export const OciForbiddenBody = Type.Object(
  {
    type: Type.String(),
    errorCode: Type.Optional(Type.String()),
    message: Type.String(),
    timestamp: Type.Optional(Type.String()),
    status: Type.Optional(Type.Integer()),
    error: Type.Optional(Type.String()),
    path: Type.Optional(Type.String()),
  },
  { title: 'OciForbidden' },
);

/** A missing or bad bearer token, as the gateway answers it (with WWW-Authenticate). */
export const OciUnauthorizedBody = Type.Object(
  { type: Type.String(), title: Type.String(), detail: Type.String() },
  { title: 'OciUnauthorized' },
);
