import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdjustmentInput } from '../../domain/adjustments/adjustment-command.js';
import {
  ADJUSTMENT_STATUSES,
  type AdjustmentStatus,
  type AdjustmentSyncStatus,
  SYNC_STATUSES,
} from '../../domain/adjustments/adjustment-status.js';
import { detail, OnhandError } from '../../domain/codes.js';
import { parseQty } from '../../domain/quantity.js';
import type { SyncUpdate } from '../../engine/adjustments/adjustments.js';
import type { ItemOutcome } from '../../engine/outcome.js';
import type { AdjustmentLine } from '../../store/adjustments/adjustment-store.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { buckets } from '../envelope.js';
import { EXTENSION } from '../extension-params.js';
import { integer } from '../feed/feed-params.js';
import { applyParsed, bulkOf, commitTokenHeader, parseItems } from '../routes/write-route.js';
import {
  AdjustmentBulkQuery,
  AdjustmentItem,
  AdjustmentLinePage,
  AdjustmentListQuery,
  AdjustmentSyncBulk,
  AdjustmentSyncItem,
} from '../schemas/adjustments.js';
import { BulkResult, EnvironmentParams, errorResponses } from '../schemas/common.js';
import { validator } from '../validation.js';

const checkItem = validator(AdjustmentItem);
const checkSync = validator(AdjustmentSyncItem);
const BASE = '/api/environment/:environmentId/transaction/adjustment';

/**
 * Business-layer inventory adjustments (spec §2.11, #22): the IV bulk endpoint, and (extensions) what
 * an ERP connector needs to sync them: lines read by status, and their sync status set.
 */
export function adjustmentRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { adjustments } = deps.engine;
  const tags = ['Adjustments'];
  const max = deps.settings.maxBulkItems;

  app.post(`${BASE}/bulk`, {
    onRequest: requireAccess(deps.auth, { role: 'write' }),
    schema: {
      tags,
      summary: `Business-layer adjustments, stored as lines and applied to on-hand (bulk, at most ${max})`,
      params: EnvironmentParams,
      querystring: AdjustmentBulkQuery,
      body: bulkOf(AdjustmentItem, max),
      response: { 200: BulkResult, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const sync = syncFlag(request);
      const parsed = parseItems(request.body, checkItem, true, max);
      const clientId = request.principal?.clientId ?? null;
      const outcomes = await applyParsed(parsed, (items) =>
        adjustments.create(
          request.environmentId,
          items.map((item) => ({ ...item, input: item.input as AdjustmentInput, clientId })),
          sync,
        ),
      );
      commitTokenHeader(reply, outcomes);
      return buckets(outcomes);
    },
  });

  app.get(BASE, {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    config: EXTENSION,
    schema: {
      tags,
      summary: 'Adjustment lines by status and sync status, in id order (extension, for the ERP connector)',
      params: EnvironmentParams,
      querystring: AdjustmentListQuery,
      response: { 200: AdjustmentLinePage, ...errorResponses() },
    },
    handler: async (request) => {
      const query = request.query as Record<string, string | string[] | undefined>;
      const limit = integer(query.limit, 100, 1, 1000, 'limit');
      const filter = {
        ...(typeof query.status === 'string' ? { status: query.status as AdjustmentStatus } : {}),
        ...(typeof query.syncStatus === 'string'
          ? { syncStatus: query.syncStatus as AdjustmentSyncStatus }
          : {}),
      };
      checkEnum(filter.status, ADJUSTMENT_STATUSES, 'status');
      checkEnum(filter.syncStatus, SYNC_STATUSES, 'syncStatus');
      const after = typeof query.after === 'string' ? query.after : null;
      const lines = await adjustments.list(request.environmentId, filter, after, limit);
      const last = lines[lines.length - 1];
      return { lines: lines.map(lineOut), next: lines.length === limit && last ? last.lineId : null };
    },
  });

  app.post(`${BASE}/syncstatus`, {
    onRequest: requireAccess(deps.auth, { role: 'write' }),
    config: EXTENSION,
    schema: {
      tags,
      summary: 'Set the ERP sync status of adjustment lines (extension, for the ERP connector)',
      params: EnvironmentParams,
      body: AdjustmentSyncBulk,
      response: { 200: BulkResult, ...errorResponses() },
    },
    handler: async (request) => {
      const parsed = parseItems(request.body, checkSync, true, max);
      const outcomes: ItemOutcome[] = await applyParsed(parsed, (items) =>
        adjustments.setSyncStatus(
          request.environmentId,
          items.map((item) => ({ ...(item.input as Omit<SyncUpdate, 'path'>), path: item.path })),
        ),
      );
      return buckets(outcomes);
    },
  });
}

/** createWithIVSync (case-insensitive name, as IV routes read parameters): true or false, default false. */
function syncFlag(request: FastifyRequest): boolean {
  const entry = Object.entries(request.query as Record<string, unknown>).find(
    ([key]) => key.toLowerCase() === 'createwithivsync',
  );
  const raw = Array.isArray(entry?.[1]) ? entry[1][0] : entry?.[1];
  if (raw === undefined) return false;
  const value = String(raw).toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new OnhandError('invalid_type', 'createWithIVSync must be true or false.', [
    detail('invalid_type', 'query:createWithIVSync', 'Expected true or false.'),
  ]);
}

function checkEnum(value: string | undefined, allowed: readonly string[], name: string): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new OnhandError('invalid_request', `${name} must be one of ${allowed.join(', ')}.`, [
      detail('invalid_request', `query:${name}`, `One of ${allowed.join(', ')}.`),
    ]);
  }
}

function lineOut(line: AdjustmentLine): Record<string, unknown> {
  return {
    id: line.lineId,
    organizationId: line.organizationId,
    productId: line.productId,
    dimensions: line.dimensions,
    quantityDataSource: line.dataSource,
    physicalMeasure: line.measure,
    quantity: line.quantity,
    externalReferenceCategory: line.externalReferenceCategory,
    externalReferenceId: line.externalReferenceId,
    fnoJournalNameId: line.fnoJournalNameId,
    costPrice: line.costPrice === null ? null : parseQty(line.costPrice, '/costPrice'),
    transDate: line.transDate,
    status: line.status,
    syncStatus: line.syncStatus,
    message: line.message,
    createdAt: line.createdAt,
    updatedAt: line.updatedAt,
  };
}
