import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import type { RouteDeps } from '../context.js';
import { errorBody } from '../errors.js';
import { ErrorBody } from '../schemas/common.js';
import { statusOf } from '../status-table.js';

const TokenForm = Type.Object({
  grant_type: Type.String({ description: 'client_credentials' }),
  client_id: Type.String(),
  client_secret: Type.String(),
});
const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.String(),
  expires_in: Type.Integer(),
});

/** Token endpoint, health, readiness and metrics. */
export function systemRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.register(async (scope) => tokenRoute(scope, deps));
  healthRoutes(app, deps);
}

/** POST /oauth2/token, the only route that also takes form-encoded bodies. */
function tokenRoute(app: FastifyInstance, deps: RouteDeps): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.post('/oauth2/token', {
    schema: {
      tags: ['Authentication'],
      summary: 'Client credentials grant: exchange a client id and secret for a one-hour bearer token',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: TokenForm,
      response: { 200: TokenResponse, 400: ErrorBody, 401: ErrorBody },
    },
    handler: async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, unknown>;
      const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
      reply.header('cache-control', 'no-store');
      return deps.auth.token({
        grant_type: field('grant_type'),
        client_id: field('client_id'),
        client_secret: field('client_secret'),
      });
    },
  });
}

function healthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/health/ping', {
    schema: {
      tags: ['Health'],
      summary: 'Liveness',
      response: { 200: Type.Object({ status: Type.String() }) },
    },
    handler: async () => ({ status: 'ok' }),
  });

  app.get('/readyz', {
    schema: {
      tags: ['Health'],
      summary: 'Readiness: the database answers',
      response: { 200: Type.Object({ status: Type.String() }), 503: ErrorBody },
    },
    handler: async (request, reply) => {
      try {
        await deps.store.ping();
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply
          .code(503)
          .send(errorBody(new OnhandError('service_unavailable', 'The database is unreachable.')));
      }
    },
  });

  app.get('/metrics', {
    schema: { tags: ['Health'], summary: 'Prometheus metrics' },
    handler: async (_request, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return reply.send(await deps.metrics.registry.metrics());
    },
  });
}
