import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OnhandError } from '../../domain/codes.js';
import { apiVersion, type RouteDeps, requireAccess } from '../context.js';
import { ApiVersionHeader, EnvironmentParams, errorResponses } from '../schemas/common.js';

export const CopilotQuery = Type.Object(
  {
    Text: Type.String({ description: 'The question in natural language.' }),
    LogLevel: Type.Optional(Type.String({ description: 'Debug, Trace or Information.' })),
  },
  {
    title: 'CopilotQuery',
    additionalProperties: true,
    examples: [{ Text: 'How many red T-shirts are in store 1?' }],
  },
);

/** The vendor's answer to a Copilot query; declared for clients generated from the document, never sent. */
const CopilotAnswer = Type.Object(
  {},
  {
    title: 'CopilotAnswer',
    examples: [{}],
    additionalProperties: true,
    description: "The vendor's answer. Onhand never sends it: it answers 501 not_implemented_copilot.",
  },
);

/**
 * The natural-language Copilot query (spec §2.13, #24) needs a language model, which Onhand does not
 * include: the route exists, checks the token like every other, and answers 501 not_implemented_copilot.
 */
export function copilotRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/Copilot/nl/iv/:environmentId/query', {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags: ['On-hand queries'],
      summary: 'Natural-language query (not implemented: answers 501 not_implemented_copilot)',
      params: EnvironmentParams,
      headers: ApiVersionHeader,
      body: CopilotQuery,
      response: { 200: CopilotAnswer, ...errorResponses(501) },
    },
    handler: async (request) => {
      apiVersion(request);
      throw new OnhandError('not_implemented_copilot');
    },
  });
}
