import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { outcomeFromLedger } from '../../engine/outcome.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { integer, onlyParams, position } from '../feed/feed-params.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';

const LedgerQuery = Type.Object({
  after: Type.Optional(Type.String({ description: 'Return entries after this feed position (default 0).' })),
  afterSeq: Type.Optional(
    Type.String({
      description:
        'The former name of `after` (a position; equal to the seq of entries written before the change feed).',
    }),
  ),
  limit: Type.Optional(Type.String({ description: 'At most this many entries, 1-1000 (default 100).' })),
});

/**
 * The event ledger of an environment (extension): every accepted write, in commit order (feed position),
 * with its changes. Paging by position never misses an entry that commits later with a smaller seq.
 */
export function ledgerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/environment/:environmentId/ledger', {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags: ['Ledger'],
      summary: 'Ledger entries in commit order (extension); page with after = the last position seen',
      params: EnvironmentParams,
      querystring: LedgerQuery,
      response: { ...errorResponses() },
    },
    handler: async (request) => {
      const query = request.query as Record<string, string | string[] | undefined>;
      onlyParams(query, ['after', 'afterSeq', 'limit']);
      const after = position(query.after, 'after') ?? position(query.afterSeq, 'afterSeq') ?? 0;
      const limit = integer(query.limit, 100, 1, 1000, 'limit');
      // Deltas and quantities in outcomes are bigints; the serializer writes them as exact decimal numbers.
      const entries = await deps.engine.ledger(request.environmentId, after, limit);
      return entries.map((entry) => ({ ...entry, outcome: outcomeFromLedger(entry.outcome) }));
    },
  });
}
