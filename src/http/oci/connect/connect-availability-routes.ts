import type { FastifyInstance } from 'fastify';
import { MAX_BATCH_RECORDS } from '../../../domain/oci/availability-record.js';
import type { RouteDeps } from '../../context.js';
import { validator } from '../../validation.js';
import { requireConnectAccess } from './connect-access.js';
import { ConnectError } from './connect-errors.js';
import {
  batchOutput,
  type ConnectAvailabilityInput,
  type ConnectRecordInput,
  fromAvailabilityAnswer,
  renameFields,
  toAvailabilityInput,
  toRecordInput,
} from './connect-mapping.js';
import {
  ConnectAvailabilityAnswer,
  ConnectAvailabilityRequest,
  ConnectBaseOutput,
  ConnectBatchUpdateBody,
  ConnectVersionParams,
  connectErrors,
} from './connect-schemas.js';

/** Where the Connect REST OCI resources live (spec §7). */
export const CONNECT_BASE = '/services/data/:version/commerce/oci';

const checkAvailability = validator(ConnectAvailabilityRequest);
const checkBatch = validator(ConnectBatchUpdateBody);

/** Connect get-availability and batch-update: a mapping onto engine.oci (availability, updates). */
export function connectAvailabilityRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const tags = ['OCI Connect REST'];
  const { oci } = deps.engine;

  app.post(`${CONNECT_BASE}/availability/availability-records/actions/get-availability`, {
    onRequest: requireConnectAccess(deps.auth, 'read'),
    schema: {
      tags,
      summary: 'Availability of SKUs at locations and groups, Connect REST names (useCache: always live)',
      params: ConnectVersionParams,
      body: ConnectAvailabilityRequest,
      response: { 200: ConnectAvailabilityAnswer, ...connectErrors() },
    },
    handler: async (request) => {
      const input = checkAvailability(request.body ?? {}) as ConnectAvailabilityInput;
      try {
        return fromAvailabilityAnswer(
          await oci.availability.get(request.environmentId, toAvailabilityInput(input)),
        );
      } catch (error) {
        throw renameFields(error);
      }
    },
  });

  app.post(`${CONNECT_BASE}/availability-records/actions/batch-update`, {
    onRequest: requireConnectAccess(deps.auth, 'write'),
    schema: {
      tags,
      summary: `Set on hand, safety stock and futures of up to ${MAX_BATCH_RECORDS} records, Connect REST names`,
      params: ConnectVersionParams,
      body: ConnectBatchUpdateBody,
      response: { 200: ConnectBaseOutput, ...connectErrors() },
    },
    handler: async (request) => {
      const body = request.body as { records?: unknown };
      if (Array.isArray(body?.records) && body.records.length > MAX_BATCH_RECORDS)
        throw new ConnectError(
          400,
          'INVALID_API_INPUT',
          `A batch holds at most ${MAX_BATCH_RECORDS} records; this one holds ${body.records.length}.`,
        );
      const { records } = checkBatch(request.body ?? {});
      const results = await oci.updates.batch(
        request.environmentId,
        (records as readonly ConnectRecordInput[]).map(toRecordInput),
        request.principal?.clientId ?? null,
      );
      return batchOutput(results);
    },
  });
}
