import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type RouteDeps, requireAccess } from '../context.js';
import { EnvironmentParams, errorResponses } from '../schemas/common.js';
import { validator } from '../validation.js';

const PartitionIds = Type.Array(Type.String(), {
  title: 'PartitionIds',
  description: 'Partition ids, as listed by GET …/allpartitionids.',
  examples: [['usmf~1~11']],
});
const checkPartitionIds = validator(PartitionIds);
const CleanupResult = Type.Object(
  { deletedPartitions: Type.Array(Type.String()), deletedRows: Type.Integer() },
  { title: 'CleanupResult', examples: [{ deletedPartitions: ['usmf~1~11'], deletedRows: 6 }] },
);

/** Partition administration (spec §2.4 rows 25, 30, 31). */
export function partitionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { engine } = deps;
  const tags = ['Administration'];
  const admin = requireAccess(deps.auth, { role: 'admin' });

  app.get('/api/environment/:environmentId/allpartitionids', {
    onRequest: admin,
    schema: {
      tags,
      summary: 'Partition ids that hold data (admin)',
      params: EnvironmentParams,
      response: { 200: PartitionIds, ...errorResponses() },
    },
    handler: async (request) => engine.partitions.list(request.environmentId),
  });

  const cleanup = async (request: FastifyRequest) =>
    engine.partitions.cleanup(request.environmentId, checkPartitionIds(request.body ?? null));
  const schema = {
    tags,
    summary: 'Delete all data of the given partitions (admin); recorded in the ledger',
    params: EnvironmentParams,
    body: PartitionIds,
    response: { 200: CleanupResult, ...errorResponses() },
  };
  app.delete('/api/environment/:environmentId/partitions/cleanupalldata', {
    onRequest: admin,
    schema,
    handler: cleanup,
  });
  app.delete('/api/environment/:environmentId/cleanupalldata', {
    onRequest: admin,
    schema,
    handler: cleanup,
  });
}
