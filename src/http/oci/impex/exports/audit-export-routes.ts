import type { FastifyInstance } from 'fastify';
import {
  parseEventLogExport,
  parseReservationsExport,
} from '../../../../domain/oci/exports/audit-requests.js';
import {
  type AuditExportKind,
  OCI_EVENT_LOG_EXPORT_JOB,
  OCI_RESERVATIONS_EXPORT_JOB,
} from '../../../../engine/oci/exports/audit-exports.js';
import type { RouteDeps } from '../../../context.js';
import { RawJson } from '../../../json.js';
import { exportStatusBody } from '../../export-status.js';
import { requireOciAccess } from '../../oci-errors.js';
import { ExportParams } from '../../oci-graph-schemas.js';
import { OciProblem } from '../../oci-problem.js';
import { NoContent, OrganizationParams, ociErrors } from '../../oci-schemas.js';
import {
  AuditExportStarted,
  AuditExportStatus,
  EventLogExportBody,
  EventLogExportFile,
  ReservationsExportBody,
  ReservationsExportFile,
} from './audit-export-schemas.js';

const IMPEX = '/inventory/impex/v1/organizations/:organizationId';

/**
 * The reservations export (spec §4.6: initiate, status, file, delete) and the event log export (spec
 * §4.5: initiate, status, file); docs/oci.md "Reservations and event log exports". Jobs like the
 * availability export: any server process answers their status and file.
 */
export function ociAuditExportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const tags = ['OCI impex'];
  const audit = deps.engine.oci.auditExports;
  const read = requireOciAccess(deps.auth, 'read');
  const link = (org: string, segment: string, id: string) =>
    `/inventory/impex/v1/organizations/${encodeURIComponent(org)}/${segment}/exports/${id}`;

  const follow = (
    segment: string,
    kind: AuditExportKind,
    file: typeof ReservationsExportFile,
    ops: string[],
  ) => {
    const base = `${IMPEX}/${segment}/exports/:exportId`;
    app.get(`${base}/status`, {
      onRequest: read,
      schema: {
        tags,
        summary: `Status of a ${ops[0]} (${ops[1]})`,
        params: ExportParams,
        response: { 200: AuditExportStatus, ...ociErrors(404) },
      },
      handler: async (request) => {
        const { organizationId, exportId } = request.params as { organizationId: string; exportId: string };
        const job = await audit.get(request.environmentId, kind, exportId);
        return exportStatusBody(exportId, job, `${link(organizationId, segment, exportId)}/file-content`);
      },
    });
    app.get(`${base}/file-content`, {
      onRequest: read,
      schema: {
        tags,
        summary: `The file of a ${ops[0]}, NDJSON (${ops[2]})`,
        params: ExportParams,
        produces: ['application/json'],
        response: { 200: file, ...ociErrors(404, 409, 410) },
      },
      handler: async (request, reply) => {
        const { exportId } = request.params as { exportId: string };
        const text = await audit.file(request.environmentId, kind, exportId);
        return reply.type('application/json; charset=utf-8').send(new RawJson(text));
      },
    });
  };

  app.post(`${IMPEX}/reservations/exports`, {
    onRequest: read,
    schema: {
      tags,
      summary:
        'Start an export of the reservation documents created in a window, open or closed (submitReservationsExport)',
      params: OrganizationParams,
      body: ReservationsExportBody,
      response: { 200: AuditExportStarted, ...ociErrors() },
    },
    handler: async (request) => {
      const exportId = await audit.startReservations(
        request.environmentId,
        parseReservationsExport(request.body),
      );
      const { organizationId } = request.params as { organizationId: string };
      return { exportId, exportStatusLink: `${link(organizationId, 'reservations', exportId)}/status` };
    },
  });
  follow('reservations', OCI_RESERVATIONS_EXPORT_JOB, ReservationsExportFile, [
    'reservations export',
    'retrieveReservationsExportStatus',
    'downloadReservationsExportFile',
  ]);
  app.delete(`${IMPEX}/reservations/exports/:exportId`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'Delete a finished reservations export and its file (deleteReservationsExport)',
      params: ExportParams,
      response: { 204: NoContent, ...ociErrors(404, 409) },
    },
    handler: async (request, reply) => {
      const { exportId } = request.params as { exportId: string };
      await audit.delete(request.environmentId, OCI_RESERVATIONS_EXPORT_JOB, exportId);
      return reply.code(204).send();
    },
  });

  app.post(`${IMPEX}/event-log/exports`, {
    onRequest: read,
    schema: {
      tags,
      summary:
        "Start an export of one SKU's events at locations or groups over a window (submitEventsActivityExport)",
      params: OrganizationParams,
      body: EventLogExportBody,
      response: { 200: AuditExportStarted, ...ociErrors() },
    },
    handler: async (request) => {
      const body = parseEventLogExport(request.body);
      const { graph } = await deps.engine.oci.graphs.get(request.environmentId);
      const missingLocation = body.locations.find((id) => !graph.locations.some((l) => l.id === id));
      if (missingLocation !== undefined)
        throw new OciProblem(400, 'LocationDoesNotExist', `No location exists with ID '${missingLocation}'`, {
          location: missingLocation,
          detail: 'oci_unknown_location',
        });
      const missingGroup = body.groups.find((id) => !graph.groups.some((g) => g.id === id));
      if (missingGroup !== undefined)
        throw new OciProblem(400, 'GroupDoesNotExist', `No group exists with ID '${missingGroup}'`, {
          group: missingGroup,
          detail: 'oci_unknown_group',
        });
      const exportId = await audit.startEventLog(request.environmentId, body);
      const { organizationId } = request.params as { organizationId: string };
      return { exportId, exportStatusLink: `${link(organizationId, 'event-log', exportId)}/status` };
    },
  });
  follow('event-log', OCI_EVENT_LOG_EXPORT_JOB, EventLogExportFile, [
    'event log export',
    'retrieveEventLogExportStatus',
    'downloadEventsActivityExportFile',
  ]);
}
