import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { detail, OnhandError } from '../../domain/codes.js';
import { outcomeFromLedger } from '../../engine/outcome.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { envelope, httpStatusOf } from '../envelope.js';
import { EXTENSION } from '../extension-params.js';
import { integer } from '../feed/feed-params.js';
import { EnvironmentParams, errorResponses, WriteResult } from '../schemas/common.js';
import {
  ExtendBody,
  OffsetItem,
  ReservationList,
  ReservationListQuery,
  ReservationView,
  ReservationViewQuery,
  ReserveItem,
  UnreserveItem,
} from '../schemas/reservation.js';
import { validator } from '../validation.js';
import { commitTokenHeader, writeRoutes } from './write-route.js';

const checkExtend = validator(ExtendBody);
const ReservationParams = Type.Object({ ...EnvironmentParams.properties, reservationId: Type.String() });
const tags = ['Reservations'];

/** Soft reservations (spec §2.8, §5) and Onhand's extensions: offsets, reading and extending one. */
export function reservationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { reservations } = deps.engine;
  const base = '/api/environment/:environmentId/onhand';
  writeRoutes(app, deps, {
    single: `${base}/reserve`,
    bulk: `${base}/reserve/bulk`,
    params: EnvironmentParams,
    item: ReserveItem,
    tags,
    summary: 'Reserve stock, checking availability first unless ifCheckAvailForReserv is false',
    operation: 'reserve',
    idPrefix: 'ohre~',
    // The vendor answers a reservation without siteId/locationId with statusCode 500 (spec §5.2).
    bodyStatusCodes: { missing_partition_dimension: 500 },
    apply: (request, items) => reservations.reserve(request.environmentId, items),
  });
  writeRoutes(app, deps, {
    single: `${base}/unreserve`,
    bulk: `${base}/unreserve/bulk`,
    params: EnvironmentParams,
    item: UnreserveItem,
    tags,
    summary: 'Release (part of) a reservation by reservationId',
    operation: 'unreserve',
    idPrefix: 'ohoe~',
    apply: (request, items) => reservations.unreserve(request.environmentId, items),
  });
  writeRoutes(app, deps, {
    single: `${base}/offset`,
    bulk: `${base}/offset/bulk`,
    params: EnvironmentParams,
    item: OffsetItem,
    tags,
    summary: 'Extension: post the ERP deduction for a reserved order and release the reservation atomically',
    operation: 'offset',
    extension: 'both',
    idPrefix: 'ohoe~',
    apply: (request, items) => reservations.offset(request.environmentId, items),
  });

  app.get(`${base}/reservations`, {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    config: EXTENSION,
    schema: {
      tags,
      summary: 'Extension: the open reservations of one product in every partition, oldest first',
      params: EnvironmentParams,
      querystring: ReservationListQuery,
      response: { 200: ReservationList, ...errorResponses() },
    },
    handler: async (request) => {
      const query = request.query as Record<string, string | string[] | undefined>;
      const organizationId = required(query, 'organizationId');
      const productId = required(query, 'productId');
      const limit = integer(query.limit, 100, 1, 1000, 'limit');
      await deps.engine.environments.get(request.environmentId);
      const list = await deps.store.listProductReservations(
        request.environmentId,
        organizationId,
        productId,
        limit,
      );
      return { reservations: list };
    },
  });

  app.get(`${base}/reservations/:reservationId`, {
    config: EXTENSION,
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags,
      summary:
        'Extension: one reservation with its remaining quantity, expiry and history (as of a past moment with asOf)',
      params: ReservationParams,
      querystring: ReservationViewQuery,
      response: { 200: ReservationView, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const { reservationId } = request.params as { reservationId: string };
      const { asOf } = request.query as { asOf?: string };
      const position =
        asOf === undefined ? undefined : await deps.engine.feed.positionAsOf(request.environmentId, asOf);
      if (position !== undefined) reply.header('onhand-position', String(position));
      const view = await reservations.get(request.environmentId, reservationId, position);
      return {
        ...view,
        history: view.history.map(({ seq, kind, eventId, recordedAt, changes, outcome }) => ({
          seq,
          kind,
          eventId,
          recordedAt,
          changes,
          outcome: outcomeFromLedger(outcome),
        })),
      };
    },
  });

  app.post(`${base}/reservations/:reservationId/extend`, {
    config: EXTENSION,
    onRequest: requireAccess(deps.auth, { role: 'write' }),
    schema: {
      tags,
      summary: 'Extension: move the expiry of an open reservation',
      params: ReservationParams,
      body: ExtendBody,
      response: { 200: WriteResult, ...errorResponses(409) },
    },
    handler: async (request, reply) => {
      const { reservationId } = request.params as { reservationId: string };
      const body = checkExtend(request.body ?? {});
      const clientId = request.principal?.clientId ?? null;
      const outcome = await reservations.extend(request.environmentId, reservationId, body, clientId);
      if (outcome.status === 'failure' && outcome.code) {
        throw new OnhandError(outcome.code, outcome.message, outcome.details ?? []);
      }
      commitTokenHeader(reply, [outcome]);
      return reply.code(httpStatusOf(outcome) as 200).send(envelope(outcome));
    },
  });
}

/** A query parameter that must be given once, not empty. */
function required(query: Record<string, string | string[] | undefined>, name: string): string {
  const raw = query[name];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === undefined || value === '') {
    throw new OnhandError('missing_field', `The query parameter ${name} is required.`, [
      detail('missing_field', `query:${name}`, `Give ${name}.`),
    ]);
  }
  return value;
}
