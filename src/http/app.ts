import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { OnhandError } from '../domain/codes.js';
import { MAX_ID_LENGTH } from '../domain/identifiers.js';
import type { Role } from '../domain/roles.js';
import { adjustmentRoutes } from './adjustments/adjustment-routes.js';
import { adminRoutes } from './admin/admin-routes.js';
import { type GrantScope, scopeOfHooks } from './admin/grant-access.js';
import { AllowedMethods } from './allowed-methods.js';
import { catalogueRoutes } from './catalogue/catalogue-routes.js';
import { productSearchRoutes } from './catalogue/product-search-routes.js';
import { type RouteDeps, roleOfHooks } from './context.js';
import { copilotRoutes } from './copilot/copilot-routes.js';
import { installCors } from './cors.js';
import { dashboardRoutes } from './dashboard/dashboard-routes.js';
import { digestRoutes } from './digest/digest-route.js';
import { errorBody, handleError } from './errors.js';
import { guardExtensionParams } from './extension-params.js';
import { feedRoutes } from './feed/feed-routes.js';
import { installGracefulClose } from './graceful-close.js';
import { jobRoutes } from './jobs/job-routes.js';
import { toJson } from './json.js';
import { registerOciTokenRoutes } from './oci/auth/oci-token-routes.js';
import { ociRoutes } from './oci/oci-plugin.js';
import { openapiOptions } from './openapi/openapi-options.js';
import { installQueryBodyParser } from './query-bodies.js';
import { RateLimiter } from './rate-limiter.js';
import { requestLogger } from './request-logger.js';
import { allocationRoutes } from './routes/allocation.js';
import { configurationRoutes } from './routes/configuration.js';
import { ledgerRoutes } from './routes/ledger.js';
import { onHandQueryRoutes } from './routes/onhand-queries.js';
import { onHandWriteRoutes } from './routes/onhand-writes.js';
import { partitionSchemaRoutes } from './routes/partition-schema.js';
import { partitionRoutes } from './routes/partitions.js';
import { reservationRoutes } from './routes/reservations.js';
import { scheduleRoutes } from './routes/schedules.js';
import { systemRoutes } from './routes/system.js';
import { securityHeaders } from './security-headers.js';
import { statusOf } from './status-table.js';
import { webhookRoutes } from './webhooks/webhook-routes.js';

export interface AppOptions {
  /** Fastify logger options (pino), or false for none. */
  readonly logger: NonNullable<FastifyServerOptions['logger']>;
  /**
   * Called for every route as it is registered, with the role its access hook asks for (if any) and
   * whether it is an Onhand extension route (config.extension).
   */
  readonly onRoute?: (route: {
    method: string;
    url: string;
    role: Role | undefined;
    extension: boolean;
    scope?: GrantScope | undefined;
  }) => void;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Longest path parameter, as sent: a 256-code-point id of 4-byte characters, percent-encoded. */
const MAX_PATH_PARAM_LENGTH = MAX_ID_LENGTH * 12;

/**
 * Builds the HTTP application: the Inventory Visibility compatible API, its extensions, health,
 * metrics and OpenAPI docs. Pure composition: every dependency comes in through `deps`, so tests
 * build the whole app in-process with any store.
 */
export async function buildApp(deps: RouteDeps, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    // A request's child logger is built only when the request writes a line (http/request-logger.ts).
    ...(options.logger === false ? {} : { childLoggerFactory: requestLogger }),
    bodyLimit: deps.settings.bodyLimit,
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      // Fastify answers 414 past 100 characters of one path parameter, raw (percent-encoded): an OCI
      // reservation id has up to 128, an IV id up to 256 code points, 12 characters each encoded.
      maxParamLength: MAX_PATH_PARAM_LENGTH,
    },
    genReqId: (req) => {
      const header = req.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Slow or stalled uploads cannot hold a connection forever (Node answers 408).
    requestTimeout: deps.settings.requestTimeoutMs ?? 30_000,
    // Trust exactly the configured number of proxies, never `true` (with `true` the left-most entry of
    // X-Forwarded-For, which the client writes itself, would count as its address).
    trustProxy: trustHops(deps.settings.trustProxy ?? 0),
  });

  const { onRoute } = options;
  if (onRoute) {
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        const scope = scopeOfHooks(route.onRequest);
        onRoute({
          method,
          url: route.url,
          role: roleOfHooks(route.onRequest),
          extension: route.config?.extension === true,
          ...(scope ? { scope } : {}),
        });
      }
    });
  }
  app.addHook('onRoute', guardExtensionParams);
  const allowedMethods = new AllowedMethods();
  app.addHook('onRoute', allowedMethods.record);
  app.decorateRequest('principal', null);
  app.decorateRequest('environmentId', '');
  // Bodies are validated inside handlers (so bulk items fail one by one, with stable codes);
  // route schemas drive the OpenAPI document. Responses are serialised with exact quantities.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => toJson(data));
  app.setReplySerializer((payload) => toJson(payload));
  // JSON only; the token endpoint adds form encoding for itself (routes/system.ts).
  app.removeContentTypeParser('text/plain');
  installQueryBodyParser(app);

  installCors(app, deps.settings.corsOrigins ?? []);
  installGracefulClose(app, deps.settings.shutdownTimeoutMs ?? 5000);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = allowedMethods.at(request.url);
    if (allowed.length > 0) {
      reply
        .code(statusOf('method_not_allowed'))
        .header('allow', allowed.join(', '))
        .send(
          errorBody(
            new OnhandError(
              'method_not_allowed',
              `${path} does not take ${request.method}; it takes ${allowed.join(', ')}.`,
            ),
          ),
        );
      return;
    }
    reply
      .code(statusOf('not_found'))
      .send(errorBody(new OnhandError('not_found', `No route for ${request.method} ${path}.`)));
  });
  // Callback hooks rather than async ones: no promise per request on every answer's path.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    securityHeaders(reply, request.url);
    done(null, payload);
  });
  // Per-client rate limit, after the route's access hook named the client and before the body is read.
  const limit = deps.settings.rateLimit;
  const limiter = limit ? new RateLimiter(limit) : undefined;
  if (limiter) {
    app.addHook('preParsing', async (request) => {
      if (request.principal) limiter.check(request.principal.clientId, 'requests from this client');
    });
  }
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  await app.register(swagger, openapiOptions());
  await app.register(swaggerUi, { routePrefix: '/docs' });

  systemRoutes(app, deps);
  configurationRoutes(app, deps);
  onHandWriteRoutes(app, deps);
  onHandQueryRoutes(app, deps);
  reservationRoutes(app, deps);
  scheduleRoutes(app, deps);
  partitionRoutes(app, deps);
  partitionSchemaRoutes(app, deps);
  ledgerRoutes(app, deps);
  allocationRoutes(app, deps);
  feedRoutes(app, deps);
  webhookRoutes(app, deps);
  catalogueRoutes(app, deps);
  productSearchRoutes(app, deps);
  jobRoutes(app, deps);
  adjustmentRoutes(app, deps);
  copilotRoutes(app, deps);
  adminRoutes(app, deps);
  await dashboardRoutes(app, deps.settings.dashboardDir);
  digestRoutes(app, deps);
  await ociRoutes(app, deps);
  registerOciTokenRoutes(app, deps);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

/** Trusts the first `hops` addresses from the socket back: the reverse proxies, not the client. */
function trustHops(hops: number): boolean | ((address: string, hop: number) => boolean) {
  return hops > 0 ? (_address, hop) => hop < hops : false;
}
