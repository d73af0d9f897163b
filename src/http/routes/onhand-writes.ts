import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../context.js';
import { EnvironmentParams } from '../schemas/common.js';
import { OnHandChange, SetOnHandItem } from '../schemas/onhand.js';
import { writeRoutes } from './write-route.js';

/** On-hand change events (spec §2.5) and set on-hand (spec §2.6). */
export function onHandWriteRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { engine } = deps;
  const tags = ['On-hand changes'];
  writeRoutes(app, deps, {
    single: '/api/environment/:environmentId/onhand',
    bulk: '/api/environment/:environmentId/onhand/bulk',
    params: EnvironmentParams,
    item: OnHandChange,
    tags,
    summary: 'Post on-hand change events',
    operation: 'onhand',
    apply: (request, items) => engine.changeOnHand(request.environmentId, items),
  });
  writeRoutes(app, deps, {
    bulk: '/api/environment/:environmentId/setonhand/:inventorySystem/bulk',
    params: Type.Object({ ...EnvironmentParams.properties, inventorySystem: Type.String() }),
    item: SetOnHandItem,
    tags,
    summary: 'Set (override) on-hand quantities of one data source, e.g. after a count',
    operation: 'setonhand',
    apply: (request, items) =>
      engine.setOnHand(
        request.environmentId,
        (request.params as { inventorySystem: string }).inventorySystem,
        items,
      ),
  });
}
