import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { detail, OnhandError } from '../../domain/codes.js';
import type { QueryOptions } from '../../engine/queries/query-runner.js';

/**
 * Headers of availability queries (Onhand extensions, docs/storefront.md): how fresh the answer must
 * be. Declared beside Api-Version on the query routes.
 */
export const ReadHeaders = {
  'Onhand-Consistency': Type.Optional(
    Type.String({
      enum: ['strict', 'bounded'],
      description:
        'strict (default): the answer reflects every write acknowledged before the query, on any server. bounded: the in-memory state as it is, behind by at most the feed lag.',
    }),
  ),
  'Onhand-Min-Position': Type.Optional(
    Type.String({
      description:
        'A feed position or an Onhand-Commit-Token the answer must reflect (read-your-writes without the strict check).',
    }),
  ),
};

/** The query options a request's headers ask for; the answer's position goes to `Onhand-Position`. */
export function readOptions(request: FastifyRequest, reply: FastifyReply, asOf?: string): QueryOptions {
  const consistency = header(request, 'onhand-consistency');
  if (consistency !== undefined && consistency !== 'strict' && consistency !== 'bounded')
    throw new OnhandError('invalid_request', 'Onhand-Consistency must be strict or bounded.', [
      detail('invalid_request', '/headers/Onhand-Consistency', 'Use strict or bounded.'),
    ]);
  const minPosition = header(request, 'onhand-min-position');
  if (minPosition !== undefined && !/^(\d{1,15}|c[0-9a-z]{1,20})$/.test(minPosition))
    throw new OnhandError(
      'invalid_request',
      'Onhand-Min-Position must be a feed position or a commit token.',
      [
        detail(
          'invalid_request',
          '/headers/Onhand-Min-Position',
          'Send a position or an Onhand-Commit-Token.',
        ),
      ],
    );
  return {
    ...(asOf === undefined ? {} : { asOf }),
    ...(consistency === undefined ? {} : { consistency }),
    ...(minPosition === undefined ? {} : { minPosition }),
    onPosition: (position) => {
      reply.header('onhand-position', String(position));
    },
  };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
