import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ImportRequest, ImportView } from '../../../../engine/oci/imports/oci-imports.js';
import type { RouteDeps } from '../../../context.js';
import { OciProblem } from '../../oci-problem.js';
import { requireOciAccess } from './import-access.js';
import {
  ImportList,
  ImportParams,
  ImportStatusBody,
  InitiatedImport,
  InitiateImportBody,
  ListQuery,
  OciForbiddenBody,
  OciProblemBody,
  OciUnauthorizedBody,
  OrganizationParams,
  ResultFile,
  UploadAccepted,
  UploadBody,
  UploadLinkParams,
} from './import-schemas.js';
import { uploadedFile } from './multipart-file.js';

const IMPORTS = '/inventory/impex/v1/organizations/:organizationId/availability-records/imports';
const tags = ['OCI Impex'];
/** A refusal as application/problem+json (the OCI routes' error answers, spec §1.3). */
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: OciProblemBody } },
});
const problems = {
  400: problem('InvalidRequestParameter'),
  401: {
    description: 'No valid bearer token',
    content: { 'application/problem+json': { schema: OciUnauthorizedBody } },
  },
  403: {
    description: 'The token has no role for this (the gateway shape), or TenantNotProvisioned',
    content: {
      'application/json': { schema: OciForbiddenBody },
      'application/problem+json': { schema: OciForbiddenBody },
    },
  },
  404: problem('EntityNotFound'),
  409: problem('FileAlreadyReceived or ImportInProgress'),
  410: problem('ExpiredUploadLink or ExpiredResultLink'),
};

/**
 * The availability import routes of the OCI Impex API (spec §4.1; docs/oci.md, "Availability imports").
 * Register inside a scope whose error handler answers OciProblems (the OCI plugin, oci-plugin.ts) and that
 * passes multipart/form-data bodies through unread (the upload streams them).
 */
export function registerOciImportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const imports = deps.engine.ociImports;
  const read = requireOciAccess(deps.auth, 'read');
  const write = requireOciAccess(deps.auth, 'write');
  const base = (request: FastifyRequest) =>
    `/inventory/impex/v1/organizations/${(request.params as { organizationId: string }).organizationId}/availability-records/imports`;

  app.post(IMPORTS, {
    onRequest: write,
    schema: {
      tags,
      summary: 'Initiate an availability import: answers the upload link (submitInventoryImport)',
      params: OrganizationParams,
      body: InitiateImportBody,
      response: { 200: InitiatedImport, ...problems },
    },
    handler: async (request) => {
      const created = await imports.initiate(request.environmentId, importRequest(request.body));
      return {
        importId: created.importId,
        importStatusLink: `${base(request)}/${created.importId}/status`,
        uploadLink: `${base(request)}/uploadlink/${created.uploadLinkId}`,
        uploadMethod: 'POST',
        uploadLinkExpirationUTC: created.linkExpiresAt,
      };
    },
  });

  app.post(`${IMPORTS}/uploadlink/:uploadLinkId`, {
    onRequest: write,
    schema: {
      tags,
      summary:
        'Upload the file of an import as the multipart part fileUpload, gzip or not (postUploadImportFile)',
      consumes: ['multipart/form-data'],
      params: UploadLinkParams,
      body: UploadBody,
      response: { 200: UploadAccepted, 413: problem('The file is larger than 100 MiB'), ...problems },
    },
    handler: async (request) => {
      const { uploadLinkId } = request.params as { uploadLinkId: string };
      const file = await uploadedFile(request);
      const view = await imports.receive(request.environmentId, uploadLinkId, file);
      return { status: view.status, importId: view.record.importId };
    },
  });

  app.get(IMPORTS, {
    onRequest: read,
    schema: {
      tags,
      summary: 'The import ids of the organization (getInventoryImport)',
      params: OrganizationParams,
      querystring: ListQuery,
      response: { 200: ImportList, ...problems },
    },
    handler: async (request) => {
      const { available } = request.query as { available?: string };
      if (available !== undefined && available !== 'true' && available !== 'false') {
        throw new OciProblem(400, 'InvalidRequestParameter', "'available' must be true or false.", {
          parameterName: 'available',
        });
      }
      return { imports: await imports.list(request.environmentId, available === 'true') };
    },
  });

  app.get(`${IMPORTS}/:importId/status`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'The status of an import (getAvailabilityImportStatus)',
      params: ImportParams,
      response: { 200: ImportStatusBody, ...problems },
    },
    handler: async (request) => {
      const { importId } = request.params as { importId: string };
      return statusBody(await imports.status(request.environmentId, importId), base(request), new Date());
    },
  });

  app.get(`${IMPORTS}/:importId/file-content`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'The result file of an import, NDJSON (downloadAvailabilityImportResultsFile)',
      params: ImportParams,
      response: { 200: ResultFile, ...problems },
    },
    handler: async (request, reply) => {
      const { importId } = request.params as { importId: string };
      const lines = imports.result(request.environmentId, importId);
      const first = await lines.next(); // refusals (in progress, expired) before any byte is sent
      async function* body() {
        if (!first.done) yield `${first.value}\n`;
        for await (const line of lines) yield `${line}\n`;
      }
      return reply.type('application/x-ndjson').send(Readable.from(body()));
    },
  });

  app.delete(`${IMPORTS}/:importId`, {
    onRequest: write,
    schema: {
      tags,
      summary: 'Delete an import that is not in progress (deleteInventoryImport)',
      params: ImportParams,
      response: { 204: { type: 'null', description: 'Deleted: no content' }, ...problems },
    },
    handler: async (request, reply) => {
      const { importId } = request.params as { importId: string };
      await imports.delete(request.environmentId, importId);
      return reply.code(204).send();
    },
  });
}

/** The body of POST …/imports, checked field by field (spec §4.1). */
function importRequest(body: unknown): ImportRequest {
  const bad = (parameterName: string, message: string) =>
    new OciProblem(400, 'InvalidRequestParameter', message, { parameterName });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw bad('body', 'The request body must be a JSON object.');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.fileName !== 'string' || b.fileName.length === 0 || b.fileName.length > 1024) {
    throw bad('fileName', "The field 'fileName' is missing from the request body.");
  }
  const d = b.linkDuration;
  if (d !== undefined && (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 60)) {
    throw bad('linkDuration', 'link duration must be numeric, 1 to 60 minutes');
  }
  if (b.fileFormat !== undefined && b.fileFormat !== 'JSON') {
    throw bad('fileFormat', "'fileFormat' must be JSON.");
  }
  if (
    b.fileEncoding !== undefined &&
    (typeof b.fileEncoding !== 'string' || b.fileEncoding.toUpperCase() !== 'GZIP')
  ) {
    throw bad('fileEncoding', "'fileEncoding' must be GZIP when given.");
  }
  const hashType = b.fileHashType;
  if (hashType !== undefined && hashType !== 'SHA-256' && hashType !== 'SHA-512') {
    throw bad('fileHashType', "'fileHashType' must be SHA-256 or SHA-512.");
  }
  const digits = hashType === 'SHA-512' ? 128 : 64;
  if (
    b.fileHash !== undefined &&
    (typeof b.fileHash !== 'string' || !new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(b.fileHash))
  ) {
    throw bad('fileHash', `'fileHash' must be the ${digits}-digit hexadecimal digest of the file.`);
  }
  return {
    fileName: b.fileName,
    linkDuration: d as number | undefined,
    fileEncoding: b.fileEncoding as string | undefined,
    fileHash: b.fileHash as string | undefined,
    fileHashType: hashType as ImportRequest['fileHashType'],
  };
}

function statusBody(view: ImportView, base: string, now: Date) {
  const { record, counters } = view;
  const validation =
    record.validationError !== null
      ? { status: 'Failed', errors: [record.validationError] }
      : { status: record.state === 'UPLOADED' ? 'Success' : 'Pending', errors: [] };
  return {
    importId: record.importId,
    status: view.status,
    validation,
    upload: { fileName: record.fileName },
    import: {
      ...(view.startedAt ? { startTimeUTC: view.startedAt } : {}),
      ...(view.endedAt ? { endTimeUTC: view.endedAt } : {}),
      recordsProcessedCount: counters.processed,
      recordsReadCount: counters.read,
      recordsSkippedCount: counters.skipped,
      fullResults: {
        href: `${base}/${record.importId}/file-content`,
        exportResultExpirationUTC:
          view.resultExpiresAt ?? new Date(now.getTime() + 24 * 3600_000).toISOString(),
      },
    },
  };
}
