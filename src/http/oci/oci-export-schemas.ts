import { Type } from '@sinclair/typebox';
import { OciFuture } from './oci-schemas.js';

/** Schemas of the availability export and get-deltas routes (spec §2.2, §4.4; docs/oci.md). */

const placeId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9-_]*$' });

export const AvailabilityExportBody = Type.Object(
  {
    objects: Type.Object(
      {
        locations: Type.Optional(Type.Array(placeId, { minItems: 1, maxItems: 1000 })),
        groups: Type.Optional(Type.Array(placeId, { minItems: 1, maxItems: 1000 })),
      },
      { additionalProperties: false },
    ),
  },
  {
    title: 'OciAvailabilityExportRequest',
    additionalProperties: false,
    examples: [{ objects: { groups: ['arizona'] } }],
  },
);

export const AvailabilityExportStarted = Type.Object(
  { exportId: Type.String(), exportStatusLink: Type.String() },
  {
    title: 'OciAvailabilityExportStarted',
    examples: [
      {
        exportId: 'a218f4b2-2dc3-4ea8-af6d-c75fafd62323',
        exportStatusLink:
          '/inventory/impex/v1/organizations/contoso/availability-records/exports/a218f4b2-2dc3-4ea8-af6d-c75fafd62323/status',
      },
    ],
  },
);

export const AvailabilityExportStatus = Type.Object(
  {
    id: Type.String(),
    status: Type.Union(['SUBMITTED', 'RUNNING', 'COMPLETED', 'FAILED'].map((s) => Type.Literal(s))),
    export: Type.Object({
      startTimeUTC: Type.Optional(Type.String()),
      endTimeUTC: Type.Optional(Type.String()),
      recordsProcessedCount: Type.Integer(),
      recordsExportedCount: Type.Integer(),
      groups: Type.Optional(Type.Array(Type.String())),
    }),
    download: Type.Object({ downloadLink: Type.String(), downloadLinkExpirationUTC: Type.String() }),
    validation: Type.Optional(
      Type.Object({
        fileHashType: Type.Literal('SHA-256'),
        fileHash: Type.String(),
        fileSize: Type.Integer(),
      }),
    ),
  },
  {
    title: 'OciAvailabilityExportStatus',
    examples: [
      {
        id: 'a218f4b2-2dc3-4ea8-af6d-c75fafd62323',
        status: 'COMPLETED',
        export: {
          startTimeUTC: '2026-12-03T10:00:00.000Z',
          endTimeUTC: '2026-12-03T10:00:01.000Z',
          recordsProcessedCount: 2,
          recordsExportedCount: 2,
          groups: ['arizona'],
        },
        download: {
          downloadLink:
            '/inventory/impex/v1/organizations/contoso/availability-records/exports/a218f4b2-2dc3-4ea8-af6d-c75fafd62323/file-content',
          downloadLinkExpirationUTC: '2026-12-04T10:00:01.000Z',
        },
        validation: {
          fileHashType: 'SHA-256',
          fileHash: 'e9b2d11298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852c922',
          fileSize: 431,
        },
      },
    ],
  },
);

export const AvailabilityExportFile = Type.String({
  title: 'OciAvailabilityExportFile',
  description:
    'NDJSON: a {"locationId"} or {"groupId"} line, then that place\'s records, repeated; the last line {"deltaToken"}.',
  examples: [
    '{"groupId":"arizona"}\n{"sku":"sku123","onHand":80,"reserved":0,"groupReserved":0,"sharedGroupReserved":0,"atf":50,"ato":50,"safetyStockCount":30,"futures":[]}\n{"deltaToken":"eyJ2IjoxLCJlIjoiY29udG9zbyIsInAiOjEyLCJnIjpbImFyaXpvbmEiXX0"}\n',
  ],
});

export const DeltasBody = Type.Object(
  {
    deltaToken: Type.String({
      description: 'From an export file, or the nextDeltaToken of a previous call.',
    }),
  },
  {
    title: 'OciDeltasRequest',
    additionalProperties: false,
    examples: [{ deltaToken: 'eyJ2IjoxLCJlIjoiY29udG9zbyIsInAiOjEyLCJnIjpbImFyaXpvbmEiXX0' }],
  },
);

const qty = Type.Number({ minimum: 0, multipleOf: 0.001 });

export const DeltasAnswerSchema = Type.Object(
  {
    nextDeltaToken: Type.String(),
    shouldQueryAgain: Type.Boolean(),
    records: Type.Array(
      Type.Object({
        id: Type.String({ description: 'The location or group id.' }),
        sku: Type.String(),
        deltaType: Type.Union([Type.Literal('Change'), Type.Literal('Delete')]),
        onHand: qty,
        atf: qty,
        ato: qty,
        reserved: qty,
        safetyStockCount: qty,
        futures: Type.Array(OciFuture),
        effectiveDate: Type.Optional(Type.String({ format: 'date-time' })),
      }),
    ),
  },
  {
    title: 'OciDeltasAnswer',
    examples: [
      {
        nextDeltaToken: 'eyJ2IjoxLCJlIjoiY29udG9zbyIsInAiOjE0LCJnIjpbImFyaXpvbmEiXX0',
        shouldQueryAgain: false,
        records: [
          {
            id: 'arizona',
            sku: 'sku123',
            deltaType: 'Change',
            onHand: 83,
            atf: 53,
            ato: 53,
            reserved: 0,
            safetyStockCount: 30,
            futures: [],
            effectiveDate: '2026-12-03T10:00:02.000Z',
          },
        ],
      },
    ],
  },
);
