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
      const basic = basicCredentials(request.headers.authorization);
      reply.header('cache-control', 'no-store');
      try {
        return await deps.auth.token({
          grant_type: field('grant_type'),
          client_id: basic?.clientId ?? field('client_id'),
          client_secret: basic?.secret ?? field('client_secret'),
        });
      } catch (error) {
        if (!(error instanceof OnhandError)) throw error;
        // RFC 6749 §5.2 error fields for OAuth client libraries, beside Onhand's own error shape.
        const oauthError = OAUTH_ERRORS[error.code] ?? 'invalid_request';
        return reply
          .code(statusOf(error.code) as 400)
          .send({ error: oauthError, error_description: error.message, ...errorBody(error) });
      }
    },
  });
}

const OAUTH_ERRORS: Partial<Record<string, string>> = {
  invalid_client: 'invalid_client',
  unsupported_grant_type: 'unsupported_grant_type',
};

/** Client credentials sent as HTTP Basic (client_secret_basic, RFC 6749 §2.3.1), or undefined. */
function basicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 asks clients to percent-encode both parts; many do not, so undecodable text stays as sent.
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
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
          .code(statusOf('service_unavailable') as 503)
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
