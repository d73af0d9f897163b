import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OciOAuthError, type OciTokenForm, OciTokens } from '../../../auth/oci-tokens.js';
import type { RouteDeps } from '../../context.js';
import { RateLimitedError, RateLimiter } from '../../rate-limiter.js';
import { basicCredentials, lowerKeys } from '../../routes/token-routes.js';

const OciTokenRequest = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ description: 'client_credentials' })),
    client_id: Type.Optional(Type.String({ description: 'Or in an HTTP Basic Authorization header' })),
    client_secret: Type.Optional(Type.String({ description: 'Or in an HTTP Basic Authorization header' })),
    scope: Type.Optional(
      Type.String({
        description:
          'Space-separated: SALESFORCE_COMMERCE_API:{organizationId} and sfcc.inventory.* (or sfcc_inventory_*) scopes',
      }),
    ),
  },
  {
    title: 'OciTokenRequest',
    examples: [
      {
        grant_type: 'client_credentials',
        scope: 'SALESFORCE_COMMERCE_API:test sfcc.inventory.availability sfcc.inventory.reservations.rw',
      },
    ],
  },
);
const AccountManagerTokenSchema = Type.Object(
  {
    access_token: Type.String(),
    scope: Type.String(),
    token_type: Type.String(),
    expires_in: Type.Integer(),
  },
  {
    title: 'AccountManagerToken',
    examples: [
      {
        access_token: 'eyJhbGciOiJFZERTQSIs…',
        scope: 'SALESFORCE_COMMERCE_API:test sfcc.inventory.availability',
        token_type: 'Bearer',
        expires_in: 3600,
      },
    ],
  },
);
const SalesforceTokenSchema = Type.Object(
  {
    access_token: Type.String(),
    signature: Type.String(),
    scope: Type.String(),
    instance_url: Type.String(),
    id: Type.String(),
    token_type: Type.String(),
    issued_at: Type.String(),
  },
  {
    title: 'SalesforceToken',
    examples: [
      {
        access_token: 'eyJhbGciOiJFZERTQSIs…',
        signature: 'kV0n1w…=',
        scope: 'sfcc_inventory_availability sfcc_inventory_reservations_rw',
        instance_url: 'http://localhost:8080',
        id: 'http://localhost:8080/id/test/client-oms',
        token_type: 'Bearer',
        issued_at: '1764770400000',
      },
    ],
  },
);
const OAuthError = Type.Object(
  {
    error: Type.String({
      description: 'invalid_client, invalid_request, invalid_scope, unsupported_grant_type, slow_down',
    }),
    error_description: Type.String(),
  },
  { title: 'OciOAuthError' },
);
const errors = { 400: OAuthError, 401: OAuthError, 429: OAuthError };

/**
 * The token endpoints OCI clients call (docs/oci.md, "Tokens"): Account Manager's
 * POST /dwsso/oauth2/access_token and the Salesforce platform's POST /services/oauth2/token, both the
 * client credentials grant (credentials as HTTP Basic or form fields). Public routes; rate-limited per
 * IP address and client id like POST /oauth2/token. Registered in their own scope (form bodies).
 */
export function registerOciTokenRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.register(async (scope) => ociTokenScope(scope, deps));
}

function ociTokenScope(app: FastifyInstance, deps: RouteDeps): void {
  const tokens = new OciTokens(deps.auth);
  const limit = deps.settings.tokenRateLimit;
  const limiter = limit ? new RateLimiter(limit) : undefined;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // A body that is not a form or a JSON object is refused in OAuth's shape too.
  app.setErrorHandler((error, _request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) throw error;
    reply.header('cache-control', 'no-store');
    return reply
      .code(status === 415 || status === 413 ? status : 400)
      .send(
        new OciOAuthError(
          400,
          'invalid_request',
          error instanceof Error ? error.message : 'Bad request.',
        ).body(),
      );
  });
  const formOf = (request: FastifyRequest): OciTokenForm => {
    const form = lowerKeys(request.body);
    const basic = basicCredentials(request.headers.authorization);
    limiter?.check(`ip:${request.ip}`, 'token requests from this address');
    const clientId = basic?.clientId ?? form.client_id;
    if (clientId) limiter?.check(`client:${clientId.slice(0, 64)}`, 'token requests for this client');
    return {
      grant_type: form.grant_type,
      client_id: clientId,
      client_secret: basic?.secret ?? form.client_secret,
      scope: form.scope,
    };
  };

  app.post('/dwsso/oauth2/access_token', {
    schema: {
      tags: ['OCI'],
      summary: 'Account Manager style client credentials grant for OCI clients (scope names the tenant)',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: OciTokenRequest,
      response: { 200: AccountManagerTokenSchema, ...errors },
    },
    handler: (request, reply) => oauth(reply, () => tokens.accountManager(formOf(request))),
  });

  app.post('/services/oauth2/token', {
    schema: {
      tags: ['OCI'],
      summary: 'Salesforce platform style client credentials grant for Connect REST OCI clients',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: OciTokenRequest,
      response: { 200: SalesforceTokenSchema, ...errors },
    },
    handler: (request, reply) =>
      oauth(reply, () => tokens.salesforce(formOf(request), `${request.protocol}://${request.host}`)),
  });
}

/** Runs an OCI token endpoint: no-store; refusals as `{ error, error_description }`. */
async function oauth(reply: FastifyReply, issue: () => Promise<object>): Promise<unknown> {
  reply.header('cache-control', 'no-store');
  reply.header('pragma', 'no-cache');
  try {
    return await issue();
  } catch (error) {
    let refusal: OciOAuthError;
    if (error instanceof OciOAuthError) refusal = error;
    else if (error instanceof RateLimitedError) {
      reply.header('retry-after', String(error.retryAfterSeconds));
      refusal = new OciOAuthError(429, 'slow_down', error.message);
    } else throw error;
    if (refusal.status === 401) reply.header('www-authenticate', 'Basic realm="onhand"');
    return reply.code(refusal.status).send(refusal.body());
  }
}
