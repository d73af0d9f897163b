import type { FastifyInstance } from 'fastify';
import type { MovementAnswer } from '../../engine/oci/oci-movements.js';
import type { RouteDeps } from '../context.js';
import { validator } from '../validation.js';
import { requireOciAccess } from './oci-errors.js';
import {
  CancelBody,
  FulfillmentsBody,
  MovementErrorsSchema,
  ReleasesBody,
  ReservationAnswerSchema,
  ReservationBody,
  ReservationParams,
  TransfersBody,
} from './oci-reservation-schemas.js';
import { NoContent, OrganizationParams, ociErrors } from './oci-schemas.js';

const BASE = '/inventory/reservation/v1/organizations/:organizationId';
const checkReservation = validator(ReservationBody);
const checkCancel = validator(CancelBody);
const checkReleases = validator(ReleasesBody);
const checkFulfillments = validator(FulfillmentsBody);
const checkTransfers = validator(TransfersBody);

/** The OCI Inventory Reservation API (spec §3; docs/oci.md, "Reservations"). */
export function ociReservationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const tags = ['OCI reservations'];
  const { oci } = deps.engine;
  const write = requireOciAccess(deps.auth, 'write');
  const movement = (answer: MovementAnswer, reply: { code(n: number): { send(b?: unknown): unknown } }) =>
    answer === undefined ? reply.code(204).send() : reply.code(200).send(answer);

  app.put(`${BASE}/reservation-documents/:reservationId`, {
    onRequest: write,
    schema: {
      tags,
      summary: 'Create a reservation with a client-chosen id (createReservations)',
      params: ReservationParams,
      body: ReservationBody,
      response: { 200: ReservationAnswerSchema, ...ociErrors(409) },
    },
    handler: async (request, reply) => {
      const { reservationId } = request.params as { reservationId: string };
      const answer = await oci.reservations.create(
        request.environmentId,
        reservationId,
        checkReservation(request.body),
      );
      const { organizationId } = request.params as { organizationId: string };
      reply.header(
        'location',
        `/inventory/reservation/v1/organizations/${encodeURIComponent(organizationId)}/reservation-documents/${encodeURIComponent(reservationId)}`,
      );
      return answer;
    },
  });

  app.patch(`${BASE}/reservation-documents/:reservationId`, {
    onRequest: write,
    schema: {
      tags,
      summary: 'Cancel a reservation (cancelReservation)',
      params: ReservationParams,
      body: CancelBody,
      response: { 204: NoContent, ...ociErrors(404, 409) },
    },
    handler: async (request, reply) => {
      const { reservationId } = request.params as { reservationId: string };
      await oci.reservations.cancel(request.environmentId, reservationId, checkCancel(request.body));
      return reply.code(204).send();
    },
  });

  app.post(`${BASE}/releases`, {
    onRequest: write,
    schema: {
      tags,
      summary: 'Release reserved quantity at locations or groups (unreserveReservations)',
      params: OrganizationParams,
      body: ReleasesBody,
      response: { 200: MovementErrorsSchema, 204: NoContent, ...ociErrors() },
    },
    handler: async (request, reply) =>
      movement(await oci.movements.release(request.environmentId, checkReleases(request.body)), reply),
  });

  app.post(`${BASE}/fulfillments`, {
    onRequest: write,
    schema: {
      tags,
      summary: 'Fulfil reserved quantity at locations (fulfillQuantity)',
      params: OrganizationParams,
      body: FulfillmentsBody,
      response: { 200: MovementErrorsSchema, 204: NoContent, ...ociErrors() },
    },
    handler: async (request, reply) =>
      movement(await oci.movements.fulfill(request.environmentId, checkFulfillments(request.body)), reply),
  });

  app.post(`${BASE}/transfers`, {
    onRequest: write,
    schema: {
      tags,
      summary: 'Move reserved quantity group → location or location → location (moveReservationQuantity)',
      params: OrganizationParams,
      body: TransfersBody,
      response: { 200: MovementErrorsSchema, 204: NoContent, ...ociErrors() },
    },
    handler: async (request, reply) =>
      movement(await oci.movements.transfer(request.environmentId, checkTransfers(request.body)), reply),
  });
}
