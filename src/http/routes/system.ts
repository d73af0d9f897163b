import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import type { RouteDeps } from '../context.js';
import { errorBody } from '../errors.js';
import { METRICS_EXAMPLE } from '../openapi/doc-examples.js';
import { ErrorBody } from '../schemas/common.js';
import { statusOf } from '../status-table.js';
import { tokenRoutes } from './token-routes.js';

/** Token endpoints, health, readiness and metrics. */
export function systemRoutes(app: FastifyInstance, deps: RouteDeps): void {
  tokenRoutes(app, deps);
  healthRoutes(app, deps);
}

const HealthStatus = Type.Object(
  { status: Type.String({ description: 'ok (liveness) or ready (readiness).' }) },
  { title: 'HealthStatus', examples: [{ status: 'ok' }] },
);
const PrometheusText = Type.String({
  title: 'PrometheusText',
  examples: [METRICS_EXAMPLE],
  description: 'Prometheus text exposition format.',
});

function healthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/health/ping', {
    schema: {
      tags: ['Health'],
      summary: 'Liveness',
      response: { 200: HealthStatus },
    },
    handler: async () => ({ status: 'ok' }),
  });

  app.get('/readyz', {
    schema: {
      tags: ['Health'],
      summary: 'Readiness: the database answers',
      response: { 200: HealthStatus, 503: ErrorBody },
    },
    handler: async (request, reply) => {
      try {
        await deps.store.ping();
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply
          .code(statusOf('service_unavailable') as 503)
          .send(errorBody(new OnhandError('service_unavailable', 'The database is unreachable.')));
      }
    },
  });

  app.get('/metrics', {
    schema: {
      tags: ['Health'],
      summary: 'Prometheus metrics',
      produces: ['text/plain'],
      response: { 200: PrometheusText },
    },
    handler: async (_request, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return reply.send(await deps.metrics.registry.metrics());
    },
  });
}
