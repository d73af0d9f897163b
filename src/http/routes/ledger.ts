import type { FastifyInstance } from 'fastify';
import { outcomeFromLedger } from '../../engine/outcome.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { EXTENSION } from '../extension-params.js';
import { integer, position } from '../feed/feed-params.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import { LedgerEntries, LedgerQuery } from '../schemas/ledger.js';

/**
 * The event ledger of an environment (extension): every accepted write, in commit order (feed position),
 * with its changes. Paging by position never misses an entry that commits later with a smaller seq.
 */
export function ledgerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/environment/:environmentId/ledger', {
    config: EXTENSION,
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags: ['Ledger'],
      summary: 'Ledger entries in commit order (extension); page with after = the last position seen',
      params: EnvironmentParams,
      querystring: LedgerQuery,
      response: { 200: LedgerEntries, ...errorResponses() },
    },
    handler: async (request) => {
      const query = request.query as Record<string, string | string[] | undefined>;
      const after = position(query.after, 'after') ?? position(query.afterSeq, 'afterSeq') ?? 0;
      const limit = integer(query.limit, 100, 1, 1000, 'limit');
      // Deltas and quantities in outcomes are bigints; the serializer writes them as exact decimal numbers.
      const entries = await deps.engine.ledger(request.environmentId, after, limit);
      return entries.map((entry) => ({ ...entry, outcome: outcomeFromLedger(entry.outcome) }));
    },
  });
}
