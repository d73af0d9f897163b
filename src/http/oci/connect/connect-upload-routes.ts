import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { LocationGraphInput } from '../../../domain/oci/location-graph.js';
import { type ImportView, OciImportRefusal } from '../../../engine/oci/imports/oci-imports.js';
import type { RouteDeps } from '../../context.js';
import { validator } from '../../validation.js';
import { type UploadedPart, uploadedFile, uploadedPart } from '../impex/imports/multipart-file.js';
import { LocationGraphBody } from '../oci-graph-schemas.js';
import { requireConnectAccess } from './connect-access.js';
import { CONNECT_BASE } from './connect-availability-routes.js';
import { ConnectError } from './connect-errors.js';
import {
  ConnectUploadBody,
  ConnectUploadOutput,
  ConnectUploadParams,
  ConnectUploadStatus,
  ConnectVersionParams,
  connectErrors,
} from './connect-schemas.js';

/** The Connect upload limit of an NDJSON file (spec §7): 10 MB. */
export const CONNECT_UPLOAD_BYTES = 10 * 1024 * 1024;
const checkGraph = validator(LocationGraphBody);

/**
 * Connect uploads (spec §7): availability-records uploads are imports of the Impex machinery
 * (engine.ociImports: initiated and received in one request, then run as a job), location-graph uploads
 * replace the graph at once (engine.oci.graphs).
 */
export function connectUploadRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const tags = ['OCI Connect REST'];
  const imports = deps.engine.ociImports;
  const { graphs } = deps.engine.oci;
  const read = requireConnectAccess(deps.auth, 'read');
  const write = requireConnectAccess(deps.auth, 'write');
  const multipart = {
    consumes: ['multipart/form-data'],
    params: ConnectVersionParams,
    body: ConnectUploadBody,
    response: { 200: ConnectUploadOutput, ...connectErrors(409, 413) },
  };
  const status = { params: ConnectUploadParams, response: { 200: ConnectUploadStatus, ...connectErrors() } };

  app.post(`${CONNECT_BASE}/availability-records/uploads`, {
    onRequest: write,
    schema: {
      tags,
      summary:
        'Upload an availability NDJSON file, or from v63.0 a CSV file (a .csv name or text/csv part) (part fileUpload, gzip or not, 10 MB)',
      ...multipart,
    },
    handler: async (request) => {
      const part = await uploadedPart(request);
      const csv = isCsv(part);
      const { version } = request.params as { version: string };
      if (csv && Number(version.slice(1)) < CSV_SINCE) {
        part.stream.resume();
        throw new ConnectError(
          400,
          'INVALID_API_INPUT',
          `CSV uploads need API version v${CSV_SINCE}.0 or later.`,
        );
      }
      const created = await imports.initiate(request.environmentId, {
        fileName: csv ? 'fileUpload.csv' : 'fileUpload',
        linkDuration: 5,
      });
      await imports.receive(
        request.environmentId,
        created.uploadLinkId,
        limited(part.stream),
        csv ? 'csv' : undefined,
      );
      return { uploadId: created.importId, success: true, errors: [] };
    },
  });

  app.get(`${CONNECT_BASE}/availability-records/uploads/:uploadId`, {
    onRequest: read,
    schema: { tags, summary: 'The status of an availability upload', ...status },
    handler: async (request) => {
      const { uploadId } = request.params as { uploadId: string };
      return uploadStatus(await imports.status(request.environmentId, uploadId));
    },
  });

  app.post(`${CONNECT_BASE}/location-graph/uploads`, {
    onRequest: write,
    schema: {
      tags,
      summary: 'Replace the location graph with a JSON file { locations, groups } (part fileUpload)',
      ...multipart,
    },
    handler: async (request) => {
      const text = await readAll(await uploadedFile(request));
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch (error) {
        throw new ConnectError(400, 'JSON_PARSER_ERROR', `The file is not JSON: ${(error as Error).message}`);
      }
      const saved = await graphs.replace(request.environmentId, checkGraph(document) as LocationGraphInput);
      return { uploadId: `graph-${saved.version}`, success: true, errors: [] };
    },
  });

  app.get(`${CONNECT_BASE}/location-graph/uploads/:uploadId`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'The status of a location-graph upload (applied when it was answered)',
      ...status,
    },
    handler: async (request) => {
      const { uploadId } = request.params as { uploadId: string };
      const version = Number(/^graph-([1-9]\d{0,9})$/.exec(uploadId)?.[1] ?? 0);
      const current = await graphs.get(request.environmentId);
      if (version === 0 || version > current.version)
        throw new ConnectError(404, 'NOT_FOUND', 'No location-graph upload has this id.');
      const latest = version === current.version;
      const count = latest ? current.graph.locations.length + current.graph.groups.length : 0;
      return {
        uploadId,
        status: 'COMPLETED',
        validationStatus: 'Success',
        validationErrors: [],
        recordsReadCount: count,
        recordsProcessedCount: count,
        recordsSkippedCount: 0,
        ...(latest ? { startTimeUTC: current.updatedAt, endTimeUTC: current.updatedAt } : {}),
      };
    },
  });
}

/** The first API version that reads CSV uploads (spec §7). */
const CSV_SINCE = 63;

/** A CSV upload: the part's file name ends in .csv (or .csv.gz), or its content type is text/csv. */
function isCsv(part: UploadedPart): boolean {
  return /\.csv(\.gz)?$/i.test(part.fileName) || /^text\/csv\b/i.test(part.mimeType);
}

/** An import's status in Connect's shape. */
function uploadStatus(view: ImportView) {
  const { record, counters } = view;
  return {
    uploadId: record.importId,
    status: view.status,
    validationStatus:
      record.validationError !== null ? 'Failed' : record.state === 'UPLOADED' ? 'Success' : 'Pending',
    validationErrors: record.validationError === null ? [] : [record.validationError],
    recordsReadCount: counters.read,
    recordsProcessedCount: counters.processed,
    recordsSkippedCount: counters.skipped,
    ...(view.startedAt ? { startTimeUTC: view.startedAt } : {}),
    ...(view.endedAt ? { endTimeUTC: view.endedAt } : {}),
  };
}

/** The file, refused past CONNECT_UPLOAD_BYTES (the import stores nothing then). */
async function* limited(file: Readable): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const piece of file as AsyncIterable<Buffer>) {
    bytes += piece.length;
    if (bytes > CONNECT_UPLOAD_BYTES) {
      file.resume();
      throw new OciImportRefusal(
        'too_large',
        `The file is larger than ${CONNECT_UPLOAD_BYTES} bytes (10 MB).`,
      );
    }
    yield piece;
  }
}

/** A small file whole, as text (at most CONNECT_UPLOAD_BYTES). */
async function readAll(file: Readable): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of limited(file)) pieces.push(piece);
  return Buffer.concat(pieces).toString('utf8');
}
