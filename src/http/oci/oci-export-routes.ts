import type { FastifyInstance } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import type { ExportPlaces } from '../../domain/oci/delta-token.js';
import type { RouteDeps } from '../context.js';
import { RawJson } from '../json.js';
import { validator } from '../validation.js';
import { exportStatusBody } from './export-status.js';
import { requireOciAccess } from './oci-errors.js';
import {
  AvailabilityExportBody,
  AvailabilityExportFile,
  AvailabilityExportStarted,
  AvailabilityExportStatus,
  DeltasAnswerSchema,
  DeltasBody,
} from './oci-export-schemas.js';
import { ExportParams } from './oci-graph-schemas.js';
import { OciProblem } from './oci-problem.js';
import { NoContent, OrganizationParams, ociErrors } from './oci-schemas.js';

const IMPEX = '/inventory/impex/v1/organizations/:organizationId/availability-records/exports';
const AVAILABILITY = '/inventory/availability/v1/organizations/:organizationId';
const checkExport = validator(AvailabilityExportBody);
const checkDeltas = validator(DeltasBody);

/**
 * The availability export (spec §4.4) and get-deltas (spec §2.2); docs/oci.md "Export and deltas".
 * Exports are jobs in the database: any server process answers their status and file.
 */
export function ociExportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const tags = ['OCI impex'];
  const { exports, deltas } = deps.engine.oci;
  const read = requireOciAccess(deps.auth, 'read');
  const link = (org: string, id: string) =>
    `/inventory/impex/v1/organizations/${encodeURIComponent(org)}/availability-records/exports/${id}`;

  app.post(IMPEX, {
    onRequest: read,
    schema: {
      tags,
      summary:
        'Start an export of every availability record of locations or groups (initiateAvailabilityExport)',
      params: OrganizationParams,
      body: AvailabilityExportBody,
      response: { 200: AvailabilityExportStarted, ...ociErrors() },
    },
    handler: async (request) => {
      const body = checkExport(request.body) as { objects: { locations?: string[]; groups?: string[] } };
      const { locations, groups } = body.objects;
      if (locations && groups)
        throw new OnhandError('invalid_request', 'Locations and Groups not allowed in the same request.', [
          {
            code: 'invalid_request',
            path: 'objects',
            message: 'Locations and Groups not allowed in the same request.',
          },
        ]);
      if (!locations && !groups)
        throw new OnhandError('missing_field', 'Name the locations or the groups to export.', [
          { code: 'missing_field', path: 'objects', message: 'Name the locations or the groups to export.' },
        ]);
      const places: ExportPlaces = locations ? { locations } : { groups: groups ?? [] };
      // The specification's refusal names the place (`location` or `group`).
      const { graph } = await deps.engine.oci.graphs.get(request.environmentId);
      const missingLocation = locations?.find((id) => !graph.locations.some((l) => l.id === id));
      if (missingLocation !== undefined)
        throw new OciProblem(400, 'LocationDoesNotExist', `No location exists with ID '${missingLocation}'`, {
          location: missingLocation,
          detail: 'oci_unknown_location',
        });
      const missingGroup = groups?.find((id) => !graph.groups.some((g) => g.id === id));
      if (missingGroup !== undefined)
        throw new OciProblem(400, 'GroupDoesNotExist', `No group exists with ID '${missingGroup}'`, {
          group: missingGroup,
          detail: 'oci_unknown_group',
        });
      const exportId = await exports.start(request.environmentId, places);
      const { organizationId } = request.params as { organizationId: string };
      return { exportId, exportStatusLink: `${link(organizationId, exportId)}/status` };
    },
  });

  app.get(`${IMPEX}/:exportId/status`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'Status of an availability export (retrieveGroupExportStatus)',
      params: ExportParams,
      response: { 200: AvailabilityExportStatus, ...ociErrors(404) },
    },
    handler: async (request) => {
      const { organizationId, exportId } = request.params as { organizationId: string; exportId: string };
      const job = await exports.get(request.environmentId, exportId);
      const places = (job.request as { places: ExportPlaces }).places;
      return exportStatusBody(
        exportId,
        job,
        `${link(organizationId, exportId)}/file-content`,
        'groups' in places ? { groups: [...places.groups] } : {},
      );
    },
  });

  app.get(`${IMPEX}/:exportId/file-content`, {
    onRequest: read,
    schema: {
      tags,
      summary:
        'The export file: NDJSON place and record lines, then the delta token (downloadAvailabilityExportFile)',
      params: ExportParams,
      produces: ['application/json'],
      response: { 200: AvailabilityExportFile, ...ociErrors(404, 409, 410) },
    },
    handler: async (request, reply) => {
      const { exportId } = request.params as { exportId: string };
      const text = await exports.file(request.environmentId, exportId);
      return reply.type('application/json; charset=utf-8').send(new RawJson(text));
    },
  });

  app.delete(`${IMPEX}/:exportId`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'Delete a finished availability export and its file (deleteAvailabilityExport)',
      params: ExportParams,
      response: { 204: NoContent, ...ociErrors(404, 409) },
    },
    handler: async (request, reply) => {
      const { exportId } = request.params as { exportId: string };
      await exports.delete(request.environmentId, exportId);
      return reply.code(204).send();
    },
  });

  app.post(`${AVAILABILITY}/availability-records/actions/get-deltas`, {
    onRequest: read,
    schema: {
      tags: ['OCI availability'],
      summary: 'Records changed since a delta token, and the next token (getAvailabilityDeltas)',
      params: OrganizationParams,
      body: DeltasBody,
      response: { 200: DeltasAnswerSchema, ...ociErrors(410) },
    },
    handler: async (request) => {
      const body = checkDeltas(request.body) as { deltaToken: string };
      return deltas.get(request.environmentId, body.deltaToken);
    },
  });
}
