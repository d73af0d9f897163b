import { Type } from '@sinclair/typebox';

/** Schemas of the location graph routes (docs/oci.md): the upload (extension) and the export. */

const locationId = Type.String({ minLength: 2, maxLength: 128, pattern: '^[a-zA-Z0-9-_]*$' });
const groupId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9-_]*$' });
const GRAPH_EXAMPLE = {
  locations: ['surprise', 'wickenburg', 'warehouse5'],
  groups: [{ id: 'arizona', locations: ['surprise', 'wickenburg'] }],
};

export const LocationGraphBody = Type.Object(
  {
    ivOrganizationId: Type.Optional(
      Type.String({ description: 'IV organization of locations without an override (default usmf).' }),
    ),
    locations: Type.Array(
      Type.Union([
        locationId,
        Type.Object(
          {
            id: locationId,
            iv: Type.Optional(
              Type.Object(
                { organizationId: Type.String(), siteId: Type.String(), locationId: Type.String() },
                { title: 'OciIvPlace', additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
    groups: Type.Optional(
      Type.Array(
        Type.Object({ id: groupId, locations: Type.Array(locationId) }, { additionalProperties: false }),
      ),
    ),
  },
  { title: 'OciLocationGraphUpload', additionalProperties: false, examples: [GRAPH_EXAMPLE] },
);

export const LocationGraphDocument = Type.Object(
  {
    locations: Type.Array(locationId),
    groups: Type.Array(Type.Object({ id: groupId, locations: Type.Array(locationId) })),
  },
  { title: 'OciLocationGraph', examples: [GRAPH_EXAMPLE] },
);

const placeSchema = Type.Object(
  { organizationId: Type.String(), siteId: Type.String(), locationId: Type.String() },
  { title: 'OciIvPlaceResolved' },
);

/** The graph as kept (extension, read): every location with the IV place it stands for. */
export const LocationGraphResolved = Type.Object(
  {
    version: Type.Integer({ description: 'The graph version (0 before the first upload).' }),
    ivOrganizationId: Type.String(),
    locations: Type.Array(Type.Object({ id: locationId, iv: placeSchema })),
    groups: Type.Array(Type.Object({ id: groupId, locations: Type.Array(locationId) })),
  },
  {
    title: 'OciLocationGraphResolved',
    examples: [
      {
        version: 1,
        ivOrganizationId: 'usmf',
        locations: [
          { id: 'surprise', iv: { organizationId: 'usmf', siteId: 'surprise', locationId: 'surprise' } },
          { id: 'store-1', iv: { organizationId: 'usmf', siteId: '1', locationId: '11' } },
        ],
        groups: [{ id: 'arizona', locations: ['surprise', 'store-1'] }],
      },
    ],
  },
);

export const GraphUploadAnswer = Type.Object(
  { version: Type.Integer(), locations: Type.Integer(), groups: Type.Integer() },
  { title: 'OciLocationGraphUploaded', examples: [{ version: 1, locations: 3, groups: 1 }] },
);

export const ExportStarted = Type.Object(
  { exportId: Type.String(), exportStatusLink: Type.String() },
  {
    title: 'OciExportStarted',
    examples: [
      {
        exportId: 'graph-1',
        exportStatusLink: '/inventory/impex/v1/organizations/contoso/location-graph/exports/graph-1/status',
      },
    ],
  },
);

export const ExportParams = Type.Object(
  { organizationId: Type.String(), exportId: Type.String() },
  { title: 'OciExportParams' },
);

export const ExportStatus = Type.Object(
  {
    id: Type.String(),
    status: Type.String(),
    export: Type.Object({
      startTimeUTC: Type.String(),
      endTimeUTC: Type.String(),
      recordsProcessedCount: Type.Integer(),
      recordsExportedCount: Type.Integer(),
    }),
    download: Type.Object({ downloadLink: Type.String(), downloadLinkExpirationUTC: Type.String() }),
  },
  {
    title: 'OciExportStatus',
    examples: [
      {
        id: 'graph-1',
        status: 'COMPLETED',
        export: {
          startTimeUTC: '2026-12-03T10:00:00.000Z',
          endTimeUTC: '2026-12-03T10:00:00.000Z',
          recordsProcessedCount: 4,
          recordsExportedCount: 4,
        },
        download: {
          downloadLink:
            '/inventory/impex/v1/organizations/contoso/location-graph/exports/graph-1/file-content',
          downloadLinkExpirationUTC: '2026-12-04T10:00:00.000Z',
        },
      },
    ],
  },
);
