import type { FastifyInstance } from 'fastify';
import type { AllocationInput, AllocationKind } from '../../domain/allocation/allocation-command.js';
import { apiVersion, type RouteDeps, requireAccess } from '../context.js';
import {
  AllocateItem,
  AllocationQueryBody,
  AllocationRecords,
  ConsumeItem,
  ReallocateItem,
} from '../schemas/allocation.js';
import { ApiVersionHeader, EnvironmentParams, errorResponses } from '../schemas/common.js';
import { validator } from '../validation.js';
import { writeRoutes } from './write-route.js';

const tags = ['Allocation'];
const checkQuery = validator(AllocationQueryBody);

const WRITES: readonly {
  kind: AllocationKind;
  item: typeof AllocateItem | typeof ReallocateItem | typeof ConsumeItem;
  summary: string;
}[] = [
  {
    kind: 'allocate',
    item: AllocateItem,
    summary: 'Allocate (ring-fence) stock from the available-to-allocate pool to a group path',
  },
  {
    kind: 'unallocate',
    item: AllocateItem,
    summary: 'Give allocated stock of a group path back to the pool',
  },
  {
    kind: 'reallocate',
    item: ReallocateItem,
    summary: 'Move allocated stock from sourceGroups to groups, atomically',
  },
  {
    kind: 'consume',
    item: ConsumeItem,
    summary: 'Consume allocated stock of a group path, optionally posting on-hand changes',
  },
];

/** Allocation (spec §2.10, §4): the four writes (single and, as an extension, bulk) and the query. */
export function allocationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { allocations } = deps.engine;
  const base = '/api/environment/:environmentId/allocation';
  for (const { kind, item, summary } of WRITES) {
    writeRoutes(app, deps, {
      single: `${base}/${kind}`,
      bulk: `${base}/${kind}/bulk`,
      params: EnvironmentParams,
      item,
      tags,
      summary,
      operation: kind,
      extension: 'bulk',
      apply: (request, items) =>
        allocations.write(request.environmentId, kind, items as { input: AllocationInput; path: string }[]),
    });
  }
  app.post(`${base}/query`, {
    onRequest: requireAccess(deps.auth, { role: 'read' }),
    schema: {
      tags,
      summary: 'Allocation records of one product and exact dimensions, under a group path',
      params: EnvironmentParams,
      headers: ApiVersionHeader,
      body: AllocationQueryBody,
      response: { 200: AllocationRecords, ...errorResponses() },
    },
    handler: async (request) => {
      apiVersion(request);
      return allocations.query(request.environmentId, checkQuery(request.body));
    },
  });
}
