import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { roleOfHooks } from '../context.js';
import { hoistNamedSchemas } from './named-schemas.js';

/** What each status means on Onhand's routes; the description of every response that has no other. */
const STATUS_TEXT: Readonly<Record<string, string>> = {
  200: 'Success.',
  201: 'Created.',
  400: 'The request is invalid: `code` says why and `details` which field (docs/errors.md).',
  401: 'No valid bearer token (`unauthorized`, `invalid_token`), or wrong client credentials (`invalid_client`).',
  403: 'The token does not give the role this route needs in this environment (`forbidden`).',
  404: 'The environment, or the resource named in the path, does not exist (`not_found`, …).',
  409: 'Conflict with the current state: availability, an event id reused with another body, a version (see `code`).',
  410: 'The feed position is older than the retention window (`cursor_expired`): start again from a snapshot.',
  412: 'The precondition (`If-Match`) does not hold.',
  413: 'The body is larger than the server accepts (`payload_too_large`).',
  429: 'Too many requests (`rate_limited`); retry after the `Retry-After` seconds.',
  500: 'An unexpected error (`internal_error`), logged with the request id.',
  501: 'Not implemented by Onhand (`not_implemented_copilot`): see docs/api.md.',
  503: 'The database does not answer (`service_unavailable`, `database_timeout`), or the connection was lost while a write was committing (`commit_outcome_unknown`: retry with the same event ids).',
};

/**
 * The options of @fastify/swagger: the OpenAPI 3.0 document that generators read. Routes without an
 * access hook are public (no security); named schemas become components (named-schemas.ts); every
 * response gets a description.
 */
export function openapiOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Onhand',
        version: '0.1.0',
        description:
          'Real-time inventory visibility, compatible with the Dynamics 365 Inventory Visibility API.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url, route }) => {
      const role = roleOfHooks(route.onRequest);
      // A route without an access hook is public, unless it declares its own security.
      if (role === undefined) return { schema: { ...schema, security: schema?.security ?? [] }, url };
      return { schema: { ...schema, 'x-onhand-role': role }, url };
    },
    transformObject: (documentObject) => {
      const document = ('openapiObject' in documentObject ? documentObject.openapiObject : {}) as Record<
        string,
        unknown
      >;
      hoistNamedSchemas(document);
      describeResponses(document);
      return document;
    },
  };
}

/** Replaces the generator's "Default Response" (and every error's description) with what the status means. */
function describeResponses(document: Record<string, unknown>): void {
  for (const item of Object.values((document.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const operation of Object.values(item)) {
      const responses = (operation as { responses?: Record<string, { description?: string }> }).responses;
      for (const [status, response] of Object.entries(responses ?? {})) {
        const text = STATUS_TEXT[status];
        if (text && (response.description === 'Default Response' || Number(status) >= 400)) {
          response.description = text;
        }
      }
    }
  }
}
