import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import { outcomeFromLedger } from '../../engine/outcome.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { envelope, httpStatusOf } from '../envelope.js';
import { EXTENSION } from '../extension-params.js';
import { EnvironmentParams, errorResponses, WriteResult } from '../schemas/common.js';
import {
  ExtendBody,
  OffsetItem,
  ReservationView,
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

  app.get(`${base}/reservations/:reservationId`, {
    config: EXTENSION,
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags,
      summary: 'Extension: one reservation with its remaining quantity, expiry and history',
      params: ReservationParams,
      response: { 200: ReservationView, ...errorResponses() },
    },
    handler: async (request) => {
      const { reservationId } = request.params as { reservationId: string };
      const view = await reservations.get(request.environmentId, reservationId);
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
