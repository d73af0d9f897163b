import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { detail, OnhandError } from '../../domain/codes.js';
import { outcomeFromLedger } from '../../engine/outcome.js';
import { type RouteDeps, requireAccess } from '../context.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';

const LedgerQuery = Type.Object({
  afterSeq: Type.Optional(
    Type.String({ description: 'Return entries after this sequence number (default 0).' }),
  ),
  limit: Type.Optional(Type.String({ description: 'At most this many entries, 1-1000 (default 100).' })),
});

/** The event ledger of an environment (extension): every accepted write, in order, with its changes. */
export function ledgerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/environment/:environmentId/ledger', {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags: ['Ledger'],
      summary: 'Ledger entries in sequence order (extension); page with afterSeq = last seq seen',
      params: EnvironmentParams,
      querystring: LedgerQuery,
      response: { ...errorResponses() },
    },
    handler: async (request) => {
      const query = request.query as { afterSeq?: string; limit?: string };
      const afterSeq = integer(query.afterSeq, 0, 0, Number.MAX_SAFE_INTEGER, 'afterSeq');
      const limit = integer(query.limit, 100, 1, 1000, 'limit');
      // Deltas and quantities in outcomes are bigints; the serializer writes them as exact decimal numbers.
      const entries = await deps.engine.ledger(request.environmentId, afterSeq, limit);
      return entries.map((entry) => ({ ...entry, outcome: outcomeFromLedger(entry.outcome) }));
    },
  });
}

function integer(raw: string | undefined, fallback: number, min: number, max: number, name: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OnhandError('invalid_request', `${name} must be an integer from ${min} to ${max}.`, [
      detail('invalid_type', `query:${name}`, `Expected an integer from ${min} to ${max}.`),
    ]);
  }
  return value;
}
