import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import { graphDocument, ivPlaceOf, type LocationGraphInput } from '../../domain/oci/location-graph.js';
import type { RouteDeps } from '../context.js';
import { EXTENSION } from '../extension-params.js';
import { validator } from '../validation.js';
import { requireOciAccess } from './oci-errors.js';
import {
  ExportParams,
  ExportStarted,
  ExportStatus,
  GraphUploadAnswer,
  LocationGraphBody,
  LocationGraphDocument,
  LocationGraphResolved,
} from './oci-graph-schemas.js';
import { OciProblem } from './oci-problem.js';
import { NoContent, OrganizationParams, ociErrors } from './oci-schemas.js';

const BASE = '/inventory/impex/v1/organizations/:organizationId/location-graph';
const checkGraph = validator(LocationGraphBody);
/** How long an export's download link is announced as valid. */
const LINK_HOURS = 24;

/**
 * The location graph (spec §4.3, §6; docs/oci.md): the upload is an Onhand extension (OCI has it only
 * inside Salesforce); the export is the specification's. An export is answered at once: its id names
 * the graph version it was started on (`graph-{version}`), and its file is that version of the graph,
 * or 410 ExpiredResultLink once the graph was replaced.
 */
export function ociGraphRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const tags = ['OCI impex'];
  const { graphs } = deps.engine.oci;
  const read = requireOciAccess(deps.auth, 'read');
  const write = requireOciAccess(deps.auth, 'write');
  const statusLink = (org: string, id: string) =>
    `/inventory/impex/v1/organizations/${encodeURIComponent(org)}/location-graph/exports/${id}`;

  app.put(BASE, {
    onRequest: write,
    config: EXTENSION,
    schema: {
      tags,
      summary: "Replace the location graph (extension): the export document's shape, plus IV place overrides",
      params: OrganizationParams,
      body: LocationGraphBody,
      response: { 200: GraphUploadAnswer, ...ociErrors(409) },
    },
    handler: async (request) => {
      const input = checkGraph(request.body) as LocationGraphInput;
      const saved = await graphs.replace(request.environmentId, input);
      return {
        version: saved.version,
        locations: saved.graph.locations.length,
        groups: saved.graph.groups.length,
      };
    },
  });

  app.get(BASE, {
    onRequest: read,
    config: EXTENSION,
    schema: {
      tags,
      summary: 'The location graph as kept (extension): every location with its IV place, the groups',
      params: OrganizationParams,
      querystring: Type.Object({}),
      response: { 200: LocationGraphResolved, ...ociErrors() },
    },
    handler: async (request) => {
      const { version, graph } = await graphs.get(request.environmentId);
      return {
        version,
        ivOrganizationId: graph.ivOrganizationId,
        locations: graph.locations.map((l) => ({ id: l.id, iv: ivPlaceOf(graph, l) })),
        groups: graph.groups.map((g) => ({ id: g.id, locations: [...g.locations] })),
      };
    },
  });

  app.post(`${BASE}/exports`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'Start an export of the location graph (answered at once)',
      params: OrganizationParams,
      response: { 200: ExportStarted, ...ociErrors() },
    },
    handler: async (request) => {
      const { version } = await graphs.get(request.environmentId);
      const exportId = `graph-${version}`;
      const { organizationId } = request.params as { organizationId: string };
      return { exportId, exportStatusLink: `${statusLink(organizationId, exportId)}/status` };
    },
  });

  const exportOf = async (environmentId: string, exportId: string) => {
    const saved = await graphs.get(environmentId);
    const version = /^graph-(\d{1,15})$/.exec(exportId)?.[1];
    if (version === undefined || Number(version) > saved.version)
      throw new OciProblem(404, 'EntityNotFound', `Export "${exportId}" does not exist.`);
    if (Number(version) !== saved.version)
      throw new OciProblem(
        410,
        'ExpiredResultLink',
        `Export "${exportId}" is of a graph since replaced; start a new export.`,
      );
    return saved;
  };

  app.get(`${BASE}/exports/:exportId/status`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'Status of a location graph export',
      params: ExportParams,
      response: { 200: ExportStatus, ...ociErrors(404, 410) },
    },
    handler: async (request) => {
      const { organizationId, exportId } = request.params as { organizationId: string; exportId: string };
      const saved = await exportOf(request.environmentId, exportId);
      const count = saved.graph.locations.length + saved.graph.groups.length;
      const at = saved.updatedAt || new Date(0).toISOString();
      return {
        id: exportId,
        status: 'COMPLETED',
        export: {
          startTimeUTC: at,
          endTimeUTC: at,
          recordsProcessedCount: count,
          recordsExportedCount: count,
        },
        download: {
          downloadLink: `${statusLink(organizationId, exportId)}/file-content`,
          downloadLinkExpirationUTC: new Date(Date.parse(at) + LINK_HOURS * 3_600_000).toISOString(),
        },
      };
    },
  });

  app.get(`${BASE}/exports/:exportId/file-content`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'The exported location graph: { locations, groups }',
      params: ExportParams,
      response: { 200: LocationGraphDocument, ...ociErrors(404, 410) },
    },
    handler: async (request) => {
      const { exportId } = request.params as { exportId: string };
      return graphDocument((await exportOf(request.environmentId, exportId)).graph);
    },
  });

  app.delete(`${BASE}/exports/:exportId`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'Delete a location graph export (nothing is kept, so only checks that it exists)',
      params: ExportParams,
      response: { 204: NoContent, ...ociErrors(404, 410) },
    },
    handler: async (request, reply) => {
      const { exportId } = request.params as { exportId: string };
      await exportOf(request.environmentId, exportId);
      return reply.code(204).send();
    },
  });
}
