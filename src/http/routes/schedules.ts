import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../context.js';
import { EnvironmentParams } from '../schemas/common.js';
import { ScheduleItem } from '../schemas/schedule.js';
import { writeRoutes } from './write-route.js';

/** On-hand change schedules (spec §2.9, §3.3). */
export function scheduleRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { engine } = deps;
  writeRoutes(app, deps, {
    single: '/api/environment/:environmentId/onhand/changeschedule',
    bulk: '/api/environment/:environmentId/onhand/changeschedule/bulk',
    params: EnvironmentParams,
    item: ScheduleItem,
    tags: ['Change schedules and ATP'],
    summary: 'Post dated future on-hand changes (available to promise)',
    operation: 'changeschedule',
    idPrefix: 'ohcs~',
    apply: (request, items) => engine.schedules.change(request.environmentId, items),
  });
}
