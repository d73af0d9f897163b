import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PartialConfiguration } from '../../domain/config/complete-configuration.js';
import { completeConfiguration } from '../../domain/config/complete-configuration.js';
import { withoutServerOwnedFields } from '../../domain/config/server-owned.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { configurationEtag, ifMatchPrecondition } from '../etag.js';
import { EXTENSION } from '../extension-params.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import { RuntimeConfigurationInput } from '../schemas/configuration.js';
import { validator } from '../validation.js';

const checkConfiguration = validator(RuntimeConfigurationInput);
const Configuration = RuntimeConfigurationInput;
const IfMatchHeader = Type.Object({
  'If-Match': Type.Optional(
    Type.String({
      description:
        'Makes the update conditional: the ETag of GET …/configuration (its version in quotes), or *. 412 configuration_version_conflict when it does not match.',
    }),
  ),
});

/** Environment configuration (spec §2.4 rows 28, 29) and environment creation (extension). */
export function configurationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { engine } = deps;
  const tags = ['Configuration'];

  app.get('/api/environment/:environmentId/configuration', {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags,
      summary: 'The runtime configuration',
      params: EnvironmentParams,
      response: { 200: Configuration, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const config = await engine.environments.get(request.environmentId);
      reply.header('etag', configurationEtag(config.version));
      return config.runtime;
    },
  });

  app.post('/api/environment/:environmentId/configuration/hardupdate', {
    onRequest: requireAccess(deps.auth, { role: 'admin' }),
    schema: {
      tags,
      summary:
        'Replace the runtime configuration (admin); creates the environment when it does not exist. Unconditional unless If-Match is sent',
      params: EnvironmentParams,
      headers: IfMatchHeader,
      body: RuntimeConfigurationInput,
      response: { 200: Configuration, ...errorResponses(409, 412) },
    },
    handler: async (request, reply) => {
      const input = withoutServerOwnedFields(checkConfiguration(request.body) as PartialConfiguration);
      const runtime = completeConfiguration(request.environmentId, input);
      const precondition = ifMatchPrecondition(request.headers['if-match']);
      const saved = await engine.environments.replace(request.environmentId, runtime, precondition);
      reply.header('etag', configurationEtag(saved.version));
      return saved.runtime;
    },
  });

  app.put('/api/environment/:environmentId', {
    config: EXTENSION,
    onRequest: requireAccess(deps.auth, { role: 'admin' }),
    schema: {
      tags,
      summary: 'Create the environment with the default configuration (admin, extension); idempotent',
      params: EnvironmentParams,
      response: { 200: Configuration, 201: Configuration, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const created = await engine.environments.create(request.environmentId);
      const config = await engine.environments.get(request.environmentId);
      return reply.code(created ? 201 : 200).send(config.runtime);
    },
  });
}
