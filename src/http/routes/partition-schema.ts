import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import { isPartitionSchemaVersion } from '../../domain/config/partition-schema.js';
import { Environments } from '../../engine/environments.js';
import {
  updateEnvIdInConfig,
  updatePartitionSchema,
} from '../../engine/partition-schema/partition-schema.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { configurationEtag } from '../etag.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import { RuntimeConfigurationInput } from '../schemas/configuration.js';

const PartitionSchemaQuery = Type.Object(
  {
    newversion: Type.Optional(
      Type.String({
        description: 'The partition schema: 2 (ByLocationAndProductIdMod64) or 1 (ByLocation).',
        examples: ['2'],
      }),
    ),
  },
  { title: 'PartitionSchemaQuery' },
);
const EnvIdQuery = Type.Object(
  {
    oldEnvironmentId: Type.Optional(
      Type.String({ description: 'The environment whose configuration this one takes.', examples: ['demo'] }),
    ),
  },
  { title: 'UpdateEnvIdQuery' },
);

/** These calls take their arguments in the query; a body is not needed (the vendor sends none). */
const NoBody = Type.Object(
  {},
  { title: 'NoBody', description: 'No body is needed; an empty object is accepted too.', examples: [{}] },
);

/**
 * Environment set-up calls of the vendor's setup and troubleshooting guides (spec §2.4 rows 26, 27):
 * switching the partition schema, and binding a copied configuration to this environment.
 */
export function partitionSchemaRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { engine, store } = deps;
  const tags = ['Administration'];
  const onRequest = requireAccess(deps.auth, { role: 'admin' });

  app.post('/api/environment/:environmentId/updatePartitionSchema', {
    onRequest,
    schema: {
      tags,
      summary: 'Switch the partition schema (admin); only while the environment holds no data',
      params: EnvironmentParams,
      querystring: PartitionSchemaQuery,
      body: NoBody,
      response: { 200: RuntimeConfigurationInput, ...errorResponses(409, 412) },
    },
    handler: async (request, reply) => {
      const raw = queryParam(request, 'newversion');
      const version = raw !== undefined && /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!isPartitionSchemaVersion(version)) {
        throw new OnhandError(
          'invalid_request',
          'newversion must be 2 (ByLocationAndProductIdMod64) or 1 (ByLocation).',
          [
            {
              code: 'invalid_request',
              path: 'query:newversion',
              message: `"${raw ?? ''}" is not a partition schema version.`,
            },
          ],
        );
      }
      const saved = await updatePartitionSchema(engine.environments, store, request.environmentId, version);
      reply.header('etag', configurationEtag(saved.version));
      return saved.runtime;
    },
  });

  app.post('/api/environment/:environmentId/updateEnvIdInConfig', {
    onRequest,
    schema: {
      tags,
      summary: 'Take the configuration of oldEnvironmentId, e.g. after copying an environment (admin)',
      params: EnvironmentParams,
      querystring: EnvIdQuery,
      body: NoBody,
      response: { 200: RuntimeConfigurationInput, ...errorResponses(409, 412) },
    },
    handler: async (request, reply) => {
      const raw = queryParam(request, 'oldenvironmentid');
      if (raw === undefined || raw === '') {
        throw new OnhandError('missing_field', 'oldEnvironmentId is required.', [
          {
            code: 'missing_field',
            path: 'query:oldEnvironmentId',
            message: 'Name the environment the configuration was copied from.',
          },
        ]);
      }
      const saved = await updateEnvIdInConfig(
        engine.environments,
        request.environmentId,
        Environments.id(raw),
      );
      reply.header('etag', configurationEtag(saved.version));
      return saved.runtime;
    },
  });
}

/** A query parameter by its name in any case (IV routes match names case-insensitively). */
function queryParam(request: FastifyRequest, lowerName: string): string | undefined {
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (key.toLowerCase() !== lowerName) continue;
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  }
  return undefined;
}
