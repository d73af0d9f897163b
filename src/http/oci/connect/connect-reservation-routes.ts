import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../context.js';
import { validator } from '../../validation.js';
import { requireConnectAccess } from './connect-access.js';
import { CONNECT_BASE } from './connect-availability-routes.js';
import {
  fromMovementAnswer,
  fromReservationAnswer,
  fromUpdateAnswer,
  MOVEMENT_LISTS,
  toMovementBody,
  toReservationBody,
  toUpdateBody,
} from './connect-reservation-mapping.js';
import {
  ConnectCreateReservation,
  ConnectFulfillments,
  ConnectReleases,
  ConnectReservationOutput,
  ConnectTransfers,
  ConnectUpdateReservation,
  ConnectUpdateReservationOutput,
} from './connect-reservation-schemas.js';
import { ConnectBaseOutput, ConnectVersionParams, connectErrors } from './connect-schemas.js';

const ACTIONS = `${CONNECT_BASE}/reservation/actions`;
const checkCreate = validator(ConnectCreateReservation);
const checkUpdate = validator(ConnectUpdateReservation);
const checks = {
  fulfill: validator(ConnectFulfillments),
  release: validator(ConnectReleases),
  transfer: validator(ConnectTransfers),
};

/**
 * The Connect reservation resources (spec §7): create, fulfillments, releases, transfers, mapped onto
 * engine.oci.reservations and engine.oci.movements; update (v61.0) onto engine.oci.reservationUpdates.
 */
export function connectReservationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const tags = ['OCI Connect REST'];
  const { oci } = deps.engine;
  const write = requireConnectAccess(deps.auth, 'write');

  app.post(`${ACTIONS}/reservations`, {
    onRequest: write,
    schema: {
      tags,
      summary: 'Create a reservation; actionRequestId is its id (a repeat answers the first answer)',
      params: ConnectVersionParams,
      body: ConnectCreateReservation,
      response: { 201: ConnectReservationOutput, ...connectErrors(409) },
    },
    handler: async (request, reply) => {
      const input = checkCreate(request.body ?? {}) as Record<string, unknown>;
      const { reservationId, body } = toReservationBody(input);
      const answer = await oci.reservations.create(request.environmentId, reservationId, body);
      return reply.code(201).send(fromReservationAnswer(answer, input));
    },
  });

  app.post(`${ACTIONS}/update`, {
    onRequest: write,
    schema: {
      tags,
      summary:
        "Set the quantities a reservation holds (each record's quantity is the line's new total); actionRequestId is the update's idempotency key",
      params: ConnectVersionParams,
      body: ConnectUpdateReservation,
      response: { 200: ConnectUpdateReservationOutput, ...connectErrors(409) },
    },
    handler: async (request) => {
      const input = checkUpdate(request.body ?? {}) as Record<string, unknown>;
      const { reservationId, actionRequestId, body } = toUpdateBody(input);
      return fromUpdateAnswer(
        await oci.reservationUpdates.update(request.environmentId, reservationId, actionRequestId, body),
      );
    },
  });

  const movements = [
    ['fulfillments', 'fulfill', ConnectFulfillments, 'Fulfil reserved quantity at locations'],
    ['releases', 'release', ConnectReleases, 'Release reserved quantity at locations or groups'],
    [
      'transfers',
      'transfer',
      ConnectTransfers,
      'Move reserved quantity (group → location, location → location)',
    ],
  ] as const;
  for (const [resource, kind, schema, summary] of movements) {
    app.post(`${ACTIONS}/${resource}`, {
      onRequest: write,
      schema: {
        tags,
        summary: `${summary} (${MOVEMENT_LISTS[kind]}, actionRequestId per record)`,
        params: ConnectVersionParams,
        body: schema,
        response: { 200: ConnectBaseOutput, ...connectErrors() },
      },
      handler: async (request) => {
        const input = checks[kind](request.body ?? {}) as Record<string, unknown>;
        const body = toMovementBody(input, kind);
        const answer =
          kind === 'fulfill'
            ? await oci.movements.fulfill(request.environmentId, body)
            : kind === 'release'
              ? await oci.movements.release(request.environmentId, body)
              : await oci.movements.transfer(request.environmentId, body);
        return fromMovementAnswer(answer);
      },
    });
  }
}
