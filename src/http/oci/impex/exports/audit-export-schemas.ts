import { Type } from '@sinclair/typebox';

/** Schemas of the reservations and event log exports (spec §4.5, §4.6; docs/oci.md). */

const placeId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9-_]*$' });
const isoDate = (description: string) => Type.String({ description });

export const ReservationsExportBody = Type.Object(
  {
    fromDate: isoDate('From this date (2026-12-03, midnight UTC) or date-time: reservations created since.'),
    toDate: Type.Optional(
      isoDate('Until this date (its end) or date-time; default: when the export is asked for.'),
    ),
    status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  },
  {
    title: 'OciReservationsExportRequest',
    additionalProperties: false,
    examples: [{ fromDate: '2026-12-01', status: 'open' }],
  },
);

export const EventLogExportBody = Type.Object(
  {
    sku: Type.String({ minLength: 2, maxLength: 250 }),
    startsOn: isoDate('From this date (midnight UTC) or date-time.'),
    endsOn: Type.Optional(
      isoDate('Until this date (its end) or date-time; at most 30 days after startsOn (the default).'),
    ),
    locations: Type.Optional(Type.Array(placeId)),
    groups: Type.Optional(Type.Array(placeId)),
  },
  {
    title: 'OciEventLogExportRequest',
    additionalProperties: false,
    examples: [{ sku: 'sku123', startsOn: '2026-12-01', locations: ['surprise'] }],
  },
);

export const AuditExportStarted = Type.Object(
  { exportId: Type.String(), exportStatusLink: Type.String() },
  {
    title: 'OciAuditExportStarted',
    examples: [
      {
        exportId: '6c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e',
        exportStatusLink:
          '/inventory/impex/v1/organizations/contoso/reservations/exports/6c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e/status',
      },
    ],
  },
);

export const AuditExportStatus = Type.Object(
  {
    id: Type.String(),
    status: Type.Union(['SUBMITTED', 'RUNNING', 'COMPLETED', 'FAILED'].map((s) => Type.Literal(s))),
    export: Type.Object({
      startTimeUTC: Type.Optional(Type.String()),
      endTimeUTC: Type.Optional(Type.String()),
      recordsProcessedCount: Type.Integer(),
      recordsExportedCount: Type.Integer(),
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
    title: 'OciAuditExportStatus',
    examples: [
      {
        id: '6c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e',
        status: 'COMPLETED',
        export: {
          startTimeUTC: '2026-12-03T10:00:00.000Z',
          endTimeUTC: '2026-12-03T10:00:01.000Z',
          recordsProcessedCount: 1,
          recordsExportedCount: 1,
        },
        download: {
          downloadLink:
            '/inventory/impex/v1/organizations/contoso/reservations/exports/6c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e/file-content',
          downloadLinkExpirationUTC: '2026-12-04T10:00:01.000Z',
        },
        validation: {
          fileHashType: 'SHA-256',
          fileHash: 'e9b2d11298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852c922',
          fileSize: 312,
        },
      },
    ],
  },
);

export const ReservationsExportFile = Type.String({
  title: 'OciReservationsExportFile',
  description: 'NDJSON: one reservation document per line, with its lines and their actions.',
  examples: [
    '{"reservationId":"order-1001","externalRefId":"web-1001","reservationTime":1764756000000,"reservationState":"OPEN","reservationDetails":[{"group":"arizona","sku":"sku123","quantity":5,"reservationDetailActions":[{"requestId":"order-1001","externalRefId":"web-1001","quantity":5,"action":"Reserved","group":"arizona","timestamp":"1764756000000"}]}]}\n',
  ],
});

export const EventLogExportFile = Type.String({
  title: 'OciEventLogExportFile',
  description:
    'NDJSON: a {"locationId"} line, then the events of the SKU at that location, for each location.',
  examples: [
    '{"locationId":"surprise"}\n{"eventType":"onhand.set","location":"surprise","sequenceNumber":12,"quantity":27,"newReserved":0,"newAto":27,"newOnHand":27,"newAtf":27,"newSoftReserved":0,"futureQuantity":0,"oldReserved":0,"oldAto":0,"oldOnHand":0,"oldAtf":0,"oldSoftReserved":0,"createdTime":"2026-12-03T10:00:00.000Z","effectiveTime":"2026-12-03T10:00:00.000Z","safetyStockCount":0}\n',
  ],
});
