import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExchangeForm, TokenForm } from '../../auth/auth-types.js';
import { OnhandError } from '../../domain/codes.js';
import { apiVersion, type RouteDeps } from '../context.js';
import { errorBody } from '../errors.js';
import { JWKS_EXAMPLE } from '../openapi/doc-examples.js';
import { RateLimitedError, RateLimiter } from '../rate-limiter.js';
import { ApiVersionHeader, ErrorBody } from '../schemas/common.js';
import { statusOf } from '../status-table.js';

const TokenFormSchema = Type.Object(
  {
    grant_type: Type.String({ description: 'client_credentials' }),
    client_id: Type.String(),
    client_secret: Type.String(),
    scope: Type.Optional(Type.String({ description: 'Accepted and ignored, e.g. 0cdb527f-…/.default' })),
  },
  {
    title: 'TokenRequest',
    examples: [{ grant_type: 'client_credentials', client_id: 'admin', client_secret: 'YOUR_SECRET' }],
  },
);
const TokenResponse = Type.Object(
  { access_token: Type.String(), token_type: Type.String(), expires_in: Type.Integer() },
  {
    title: 'Token',
    examples: [{ access_token: 'eyJhbGciOiJFZERTQSIs…', token_type: 'Bearer', expires_in: 3600 }],
  },
);
const EntraResponse = Type.Object(
  {
    token_type: Type.String(),
    expires_in: Type.String(),
    ext_expires_in: Type.String(),
    access_token: Type.String(),
  },
  {
    title: 'ClientAssertion',
    examples: [{ token_type: 'Bearer', expires_in: '3600', ext_expires_in: '3600', access_token: 'eyJ…' }],
  },
);
const ExchangeBody = Type.Object(
  {
    grant_type: Type.String({ description: 'client_credentials' }),
    client_assertion_type: Type.String({ description: 'aad_app' }),
    client_assertion: Type.String({
      description: 'The token of step 1, or one of the trusted OpenID provider',
    }),
    scope: Type.String(),
    context: Type.String({ description: 'The environment id' }),
    context_type: Type.String({ description: 'finops-env' }),
  },
  {
    title: 'TokenExchangeRequest',
    examples: [
      {
        grant_type: 'client_credentials',
        client_assertion_type: 'aad_app',
        client_assertion: 'eyJ…',
        scope: 'https://inventoryservice.operations365.dynamics.com/.default',
        context: 'prod',
        context_type: 'finops-env',
      },
    ],
  },
);
const Jwks = Type.Object(
  { keys: Type.Array(Type.Object({}, { additionalProperties: true })) },
  { title: 'Jwks', description: 'A JSON Web Key Set (RFC 7517).', examples: [JWKS_EXAMPLE] },
);
/** Errors of the token endpoints: Onhand's error shape plus the RFC 6749 §5.2 fields. */
const TokenError = Type.Object(
  {
    error: Type.String({
      description: 'RFC 6749: invalid_client, invalid_request, unsupported_grant_type, …',
    }),
    error_description: Type.String(),
    ...ErrorBody.properties,
  },
  { title: 'TokenError' },
);
const tokenErrors = { 400: TokenError, 401: TokenError, 403: TokenError, 429: TokenError };
const TENANT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The token endpoints (docs/security.md): Onhand's own client credentials grant, the two steps of
 * the IV flow (spec §2.2) and the public keys. Only these routes take form-encoded bodies. Attempts
 * are rate-limited per IP address and per client id, before any secret is hashed.
 */
export function tokenRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.register(async (scope) => tokenScope(scope, deps));
}

function tokenScope(app: FastifyInstance, deps: RouteDeps): void {
  const limit = deps.settings.tokenRateLimit;
  const limiter = limit ? new RateLimiter(limit) : undefined;
  const throttle = (request: FastifyRequest, clientId: string | undefined) => {
    limiter?.check(`ip:${request.ip}`, 'token requests from this address');
    if (clientId) limiter?.check(`client:${clientId.slice(0, 64)}`, 'token requests for this client');
  };
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.post('/oauth2/token', {
    schema: {
      tags: ['Authentication'],
      summary: 'Client credentials grant: exchange a client id and secret for a bearer token',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: TokenFormSchema,
      response: { 200: TokenResponse, ...tokenErrors },
    },
    handler: async (request, reply) =>
      oauth(reply, async () => {
        const form = credentialsOf(request);
        throttle(request, form.client_id);
        return deps.auth.token(form);
      }),
  });

  app.post('/:tenantId/oauth2/v2.0/token', {
    schema: {
      tags: ['Authentication'],
      summary:
        'Step 1 of the IV flow (spec §2.2), shaped like Microsoft Entra: a client assertion for POST /token',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      params: Type.Object({ tenantId: Type.String() }),
      body: TokenFormSchema,
      response: { 200: EntraResponse, ...tokenErrors },
    },
    handler: async (request, reply) =>
      oauth(reply, async () => {
        const { tenantId } = request.params as { tenantId: string };
        if (!TENANT_ID.test(tenantId)) {
          throw new OnhandError(
            'invalid_request',
            'The tenant id must be 1-64 letters, digits, ".", "_" or "-".',
          );
        }
        const form = credentialsOf(request);
        throttle(request, form.client_id);
        return deps.auth.entraToken(form, tenantId);
      }),
  });

  app.post('/token', {
    schema: {
      tags: ['Authentication'],
      summary:
        'Step 2 of the IV flow (spec §2.2): exchange a client assertion for a token of one environment',
      consumes: ['application/json', 'application/x-www-form-urlencoded'],
      headers: ApiVersionHeader,
      body: ExchangeBody,
      response: { 200: TokenResponse, ...tokenErrors },
    },
    handler: async (request, reply) =>
      oauth(reply, async () => {
        apiVersion(request);
        throttle(request, undefined);
        return deps.auth.exchange(exchangeFormOf(request.body));
      }),
  });

  app.get('/.well-known/jwks.json', {
    schema: {
      tags: ['Authentication'],
      summary: "The public keys that verify Onhand's tokens (JWKS, RFC 7517)",
      response: { 200: Jwks },
    },
    handler: async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return deps.auth.jwks();
    },
  });
}

/** Runs a token endpoint: no-store; failures carry RFC 6749 §5.2 fields beside Onhand's error shape. */
async function oauth(reply: FastifyReply, issue: () => Promise<object>): Promise<unknown> {
  reply.header('cache-control', 'no-store');
  reply.header('pragma', 'no-cache');
  try {
    return await issue();
  } catch (error) {
    if (!(error instanceof OnhandError)) throw error;
    if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
    const oauthError = OAUTH_ERRORS[error.code] ?? 'invalid_request';
    const body = errorBody(error);
    return reply
      .code(statusOf(error.code) as 400)
      .send({ error: oauthError, error_description: body.message, ...body });
  }
}

const OAUTH_ERRORS: Partial<Record<string, string>> = {
  invalid_client: 'invalid_client',
  unsupported_grant_type: 'unsupported_grant_type',
  forbidden: 'unauthorized_client',
  rate_limited: 'slow_down',
  service_unavailable: 'temporarily_unavailable',
};

/** The client credentials of a form or JSON body, or of an HTTP Basic header (which wins). */
function credentialsOf(request: FastifyRequest): TokenForm {
  const form = lowerKeys(request.body);
  const basic = basicCredentials(request.headers.authorization);
  return {
    grant_type: form.grant_type,
    client_id: basic?.clientId ?? form.client_id,
    client_secret: basic?.secret ?? form.client_secret,
  };
}

/** The body of POST /token with keys in any case (spec §2.2: clients send Scope, Context). */
function exchangeFormOf(body: unknown): ExchangeForm {
  const form = lowerKeys(body);
  return {
    grant_type: form.grant_type,
    client_assertion_type: form.client_assertion_type,
    client_assertion: form.client_assertion,
    scope: form.scope,
    context: form.context,
    context_type: form.context_type,
  };
}

/** String fields of an object body by lower-case key; everything else is dropped. */
export function lowerKeys(body: unknown): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = Object.create(null);
  if (!body || typeof body !== 'object' || Array.isArray(body)) return result;
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') result[key.toLowerCase()] = value;
  }
  return result;
}

/** Client credentials sent as HTTP Basic (client_secret_basic, RFC 6749 §2.3.1), or undefined. */
export function basicCredentials(
  header: string | undefined,
): { clientId: string; secret: string } | undefined {
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
