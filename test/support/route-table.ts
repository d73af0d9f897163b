import type { Role } from '../../src/domain/roles.js';

/**
 * Every route under /api/environment/{environmentId}/ with the role it needs. One line per route:
 * test/api/route-roles.test.ts checks that the app registers exactly these routes with these roles,
 * that docs/api.md lists the same table, and that tokens without the role are refused on each.
 * `extension`: an Onhand extension route (docs/api.md marks it **Extension**), which refuses unknown
 * query parameters (test/api/unknown-parameters.test.ts).
 * Path parameters other than :environmentId are filled in by `fillPath`.
 */
export const ROUTE_ROLES: readonly { method: string; path: string; role: Role; extension?: true }[] = [
  { method: 'GET', path: '/api/environment/:environmentId/configuration', role: 'read' },
  { method: 'POST', path: '/api/environment/:environmentId/configuration/hardupdate', role: 'admin' },
  { method: 'PUT', path: '/api/environment/:environmentId', role: 'admin', extension: true },
  { method: 'GET', path: '/api/environment/:environmentId/ledger', role: 'read', extension: true },
  { method: 'GET', path: '/api/environment/:environmentId/feed', role: 'read', extension: true },
  {
    method: 'POST',
    path: '/api/environment/:environmentId/feed/tickets',
    role: 'availability',
    extension: true,
  },
  {
    method: 'GET',
    path: '/api/environment/:environmentId/feed/stream',
    role: 'availability',
    extension: true,
  },
  { method: 'GET', path: '/api/environment/:environmentId/snapshot', role: 'read', extension: true },
  {
    method: 'POST',
    path: '/api/environment/:environmentId/availability/digest',
    role: 'availability',
    extension: true,
  },
  { method: 'POST', path: '/api/environment/:environmentId/onhand', role: 'write' },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/bulk', role: 'write' },
  { method: 'POST', path: '/api/environment/:environmentId/setonhand/:inventorySystem/bulk', role: 'write' },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/indexquery', role: 'availability' },
  { method: 'GET', path: '/api/environment/:environmentId/onhand', role: 'availability' },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/exactquery', role: 'availability' },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/reserve', role: 'write' },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/reserve/bulk', role: 'write' },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/unreserve', role: 'write' },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/unreserve/bulk', role: 'write' },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/offset', role: 'write', extension: true },
  {
    method: 'POST',
    path: '/api/environment/:environmentId/onhand/offset/bulk',
    role: 'write',
    extension: true,
  },
  {
    method: 'GET',
    path: '/api/environment/:environmentId/onhand/reservations/:reservationId',
    role: 'read',
    extension: true,
  },
  {
    method: 'POST',
    path: '/api/environment/:environmentId/onhand/reservations/:reservationId/extend',
    role: 'write',
    extension: true,
  },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/changeschedule', role: 'write' },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/changeschedule/bulk', role: 'write' },
  { method: 'POST', path: '/api/environment/:environmentId/allocation/allocate', role: 'write' },
  {
    method: 'POST',
    path: '/api/environment/:environmentId/allocation/allocate/bulk',
    role: 'write',
    extension: true,
  },
  { method: 'POST', path: '/api/environment/:environmentId/allocation/unallocate', role: 'write' },
  {
    method: 'POST',
    path: '/api/environment/:environmentId/allocation/unallocate/bulk',
    role: 'write',
    extension: true,
  },
  { method: 'POST', path: '/api/environment/:environmentId/allocation/reallocate', role: 'write' },
  {
    method: 'POST',
    path: '/api/environment/:environmentId/allocation/reallocate/bulk',
    role: 'write',
    extension: true,
  },
  { method: 'POST', path: '/api/environment/:environmentId/allocation/consume', role: 'write' },
  {
    method: 'POST',
    path: '/api/environment/:environmentId/allocation/consume/bulk',
    role: 'write',
    extension: true,
  },
  { method: 'POST', path: '/api/environment/:environmentId/allocation/query', role: 'read' },
  { method: 'GET', path: '/api/environment/:environmentId/allpartitionids', role: 'admin' },
  { method: 'DELETE', path: '/api/environment/:environmentId/partitions/cleanupalldata', role: 'admin' },
  { method: 'DELETE', path: '/api/environment/:environmentId/cleanupalldata', role: 'admin' },
];

/** The concrete URL of a route path in `environmentId`. */
export function fillPath(path: string, environmentId: string): string {
  return path
    .replace(':environmentId', environmentId)
    .replace(':inventorySystem', 'pos')
    .replace(':reservationId', 'no-such-reservation');
}
