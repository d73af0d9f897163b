import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { availabilityDigest } from '../../engine/digest/availability-digest.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { EXTENSION } from '../extension-params.js';
import { ReadHeaders, readOptions } from '../routes/read-options.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import { AvailabilityDigest, AvailabilityDigestRequest } from '../schemas/digest.js';
import { validator } from '../validation.js';

const checkRequest = validator(AvailabilityDigestRequest);

/**
 * POST …/availability/digest (an Onhand extension, docs/api.md): the digest of one measure's values for
 * a set of products and places at one group-by level, at the current position or `asOf` one. The SDK's
 * AvailabilityCache compares it with the digest of its memory (verify()). Same role and consistency
 * headers as the availability queries.
 */
export function digestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/api/environment/:environmentId/availability/digest', {
    config: EXTENSION,
    onRequest: requireAccess(deps.auth, { role: 'availability' }),
    schema: {
      tags: ['On-hand queries'],
      summary: 'Extension: a digest of the availability of products and places, for verifying a cache',
      params: EnvironmentParams,
      headers: Type.Object(ReadHeaders),
      body: AvailabilityDigestRequest,
      response: { 200: AvailabilityDigest, ...errorResponses(410) },
    },
    handler: async (request, reply) => {
      const { asOf, ...input } = checkRequest(request.body);
      const options = readOptions(request, reply, asOf);
      const result = await availabilityDigest(
        (query, queryOptions) => deps.engine.indexQuery(request.environmentId, query, queryOptions),
        input,
        options,
      );
      return { ...result, position: String(result.position) };
    },
  });
}
