import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import { MAX_BATCH_RECORDS } from '../../domain/oci/availability-record.js';
import type { AvailabilityInput } from '../../domain/oci/availability-request.js';
import type { SkuLocationBody, SkuLocationKey } from '../../engine/oci/oci-records.js';
import type { SegmentationInput } from '../../engine/oci/oci-segmentation.js';
import type { RecordResult } from '../../engine/oci/oci-updates.js';
import type { RouteDeps } from '../context.js';
import { serialisedOnce } from '../json.js';
import { ReadHeaders, readOptions } from '../routes/read-options.js';
import { validator } from '../validation.js';
import { ociCodeOf, requireOciAccess } from './oci-errors.js';
import {
  AvailabilityAnswerSchema,
  AvailabilityRequestBody,
  BatchErrorsSchema,
  BatchUpdateBody,
  NoContent,
  OrganizationParams,
  ociErrors,
  SegmentationBody,
  SegmentationErrors,
  SkuLocationBodySchema,
  SkuLocationParams,
} from './oci-schemas.js';

const BASE = '/inventory/availability/v1/organizations/:organizationId';
const checkAvailability = validator(AvailabilityRequestBody);
const checkRecords = validator(
  // Records are checked one by one (a bad record fails alone); the envelope here.
  BatchUpdateBody,
);
const checkSkuLocation = validator(SkuLocationBodySchema);
const checkSegmentation = validator(SegmentationBody);

/** The OCI Inventory Availability API (spec §2; docs/oci.md). */
export function ociAvailabilityRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const tags = ['OCI availability'];
  const { oci } = deps.engine;
  const read = requireOciAccess(deps.auth, 'read');
  const write = requireOciAccess(deps.auth, 'write');

  app.post(`${BASE}/availability-records/actions/get-availability`, {
    onRequest: read,
    schema: {
      tags,
      summary: 'Availability of SKUs at locations and groups (skuAvailabilityByLocationAndOrGroup)',
      description:
        'Onhand extensions (docs/oci.md, "Availability from memory"): Onhand-Consistency and Onhand-Min-Position as on the IV queries; the answer carries Onhand-Position.',
      params: OrganizationParams,
      headers: Type.Object(ReadHeaders),
      body: AvailabilityRequestBody,
      response: { 200: AvailabilityAnswerSchema, ...ociErrors() },
    },
    handler: async (request, reply) => {
      const body = checkAvailability(request.body) as AvailabilityInput;
      const options = readOptions(request, reply);
      const answer = await oci.availability.get(request.environmentId, body, options);
      // An answer served again from memory is the same object: its text is reused.
      return serialisedOnce(answer, () => answer);
    },
  });

  app.post(`${BASE}/availability-records/actions/batch-update`, {
    onRequest: write,
    schema: {
      tags,
      summary: `Set on hand, safety stock and futures of up to ${MAX_BATCH_RECORDS} records (batchInventoryUpdate)`,
      params: OrganizationParams,
      body: BatchUpdateBody,
      response: { 200: BatchErrorsSchema, 204: NoContent, ...ociErrors() },
    },
    handler: async (request, reply) => {
      const body = request.body as { records?: unknown };
      if (Array.isArray(body?.records) && body.records.length > MAX_BATCH_RECORDS)
        throw new OnhandError(
          'too_many_items',
          `A batch holds at most ${MAX_BATCH_RECORDS} records; this one holds ${body.records.length}.`,
          [{ code: 'too_many_items', path: '/records', message: `At most ${MAX_BATCH_RECORDS} records.` }],
        );
      const { records } = checkRecords(request.body);
      const results = await oci.updates.batch(
        request.environmentId,
        records,
        request.principal?.clientId ?? null,
      );
      const errors = results.filter((r) => r.failure !== null).map(recordError);
      if (errors.length === 0) return reply.code(204).send();
      return { errors };
    },
  });

  const single = `${BASE}/locations/:locationId/availability-records/skus/:sku/:requestId`;
  const singleSchema = (summary: string, withBody: boolean) => ({
    tags,
    summary,
    params: SkuLocationParams,
    ...(withBody ? { body: SkuLocationBodySchema } : {}),
    response: { 204: NoContent, ...ociErrors(404, 409) },
  });
  const answer = (result: RecordResult) => {
    if (result.failure) throw new OnhandError(result.failure.code, result.failure.message);
  };
  const keyOf = (params: unknown) => params as SkuLocationKey;

  app.put(single, {
    onRequest: write,
    schema: singleSchema(
      'Replace one SKU at one location; what is left out is reset (replaceSkuLocation)',
      true,
    ),
    handler: async (request, reply) => {
      const body = checkSkuLocation(request.body ?? {}) as SkuLocationBody;
      answer(await oci.records.put(request.environmentId, keyOf(request.params), body, clientOf(request)));
      return reply.code(204).send();
    },
  });

  app.patch(single, {
    onRequest: write,
    schema: singleSchema('Change the given fields of one SKU at one location (updateSkuLocation)', true),
    handler: async (request, reply) => {
      const body = checkSkuLocation(request.body ?? {}) as SkuLocationBody;
      answer(await oci.records.patch(request.environmentId, keyOf(request.params), body, clientOf(request)));
      return reply.code(204).send();
    },
  });

  app.delete(single, {
    onRequest: write,
    schema: singleSchema('Reset one SKU at one location (deleteLocationSku)', false),
    handler: async (request, reply) => {
      answer(await oci.records.delete(request.environmentId, keyOf(request.params), clientOf(request)));
      return reply.code(204).send();
    },
  });

  app.post(`${BASE}/product-segmentation/actions/batch-update`, {
    onRequest: write,
    schema: {
      tags,
      summary: 'Exclude SKUs from groups, or include them again (batchProductSegmentationRequest)',
      params: OrganizationParams,
      body: SegmentationBody,
      response: { 200: SegmentationErrors, 204: NoContent, ...ociErrors() },
    },
    handler: async (request, reply) => {
      const body = checkSegmentation(request.body) as SegmentationInput;
      const errors = await oci.segmentation.batch(request.environmentId, body, clientOf(request));
      if (errors.length === 0) return reply.code(204).send();
      return { errors: errors.map((error) => ({ error })) };
    },
  });
}

function clientOf(request: { principal: { clientId: string } | null }): string | null {
  return request.principal?.clientId ?? null;
}

/** A failed record as spec §2.3's error entry (`details` echoes the record, `location` as `locationId`). */
function recordError(result: RecordResult) {
  const failure = result.failure ?? { code: 'invalid_request' as const, message: '' };
  return {
    details: {
      id: result.id,
      sku: result.sku,
      locationId: result.location,
      ...(result.externalRefId === undefined ? {} : { externalRefId: result.externalRefId }),
    },
    errorCode: ociCodeOf(failure.code),
    message: failure.message,
  };
}
