import type { Role } from '../../src/domain/roles.js';
import type { GrantScope } from '../../src/http/admin/grant-access.js';

/**
 * Every route under /api/environment/{environmentId}/ (and the Copilot query, which names the environment
 * too) with the role it needs. One line per route:
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
  { method: 'POST', path: '/api/environment/:environmentId/webhooks', role: 'admin', extension: true },
  { method: 'GET', path: '/api/environment/:environmentId/webhooks', role: 'admin', extension: true },
  {
    method: 'GET',
    path: '/api/environment/:environmentId/webhooks/:webhookId',
    role: 'admin',
    extension: true,
  },
  {
    method: 'PATCH',
    path: '/api/environment/:environmentId/webhooks/:webhookId',
    role: 'admin',
    extension: true,
  },
  {
    method: 'DELETE',
    path: '/api/environment/:environmentId/webhooks/:webhookId',
    role: 'admin',
    extension: true,
  },
  {
    method: 'POST',
    path: '/api/environment/:environmentId/webhooks/:webhookId/redeliver',
    role: 'admin',
    extension: true,
  },
  {
    method: 'GET',
    path: '/api/environment/:environmentId/webhooks/:webhookId/deliveries',
    role: 'admin',
    extension: true,
  },
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
  { method: 'POST', path: '/api/environment/:environmentId/onhand/productsearch/indexquery', role: 'read' },
  { method: 'POST', path: '/api/environment/:environmentId/onhand/productsearch/exactquery', role: 'read' },
  { method: 'POST', path: '/api/environment/:environmentId/products/bulk', role: 'write', extension: true },
  { method: 'GET', path: '/api/environment/:environmentId/products', role: 'read', extension: true },
  {
    method: 'GET',
    path: '/api/environment/:environmentId/products/:productId',
    role: 'read',
    extension: true,
  },
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
    path: '/api/environment/:environmentId/onhand/reservations',
    role: 'read',
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
  { method: 'POST', path: '/api/environment/:environmentId/onhand/reserve/resyncjob', role: 'admin' },
  { method: 'GET', path: '/api/environment/:environmentId/getJobProgress', role: 'read' },
  { method: 'POST', path: '/api/environment/:environmentId/logTransactionDetails', role: 'read' },
  {
    method: 'GET',
    path: '/api/environment/:environmentId/logTransactionDetails/:jobId',
    role: 'read',
    extension: true,
  },
  { method: 'POST', path: '/Copilot/nl/iv/:environmentId/query', role: 'read' },
  { method: 'POST', path: '/api/environment/:environmentId/transaction/adjustment/bulk', role: 'write' },
  {
    method: 'GET',
    path: '/api/environment/:environmentId/transaction/adjustment',
    role: 'read',
    extension: true,
  },
  {
    method: 'POST',
    path: '/api/environment/:environmentId/transaction/adjustment/syncstatus',
    role: 'write',
    extension: true,
  },
  { method: 'GET', path: '/api/environment/:environmentId/allpartitionids', role: 'admin' },
  { method: 'DELETE', path: '/api/environment/:environmentId/partitions/cleanupalldata', role: 'admin' },
  { method: 'DELETE', path: '/api/environment/:environmentId/cleanupalldata', role: 'admin' },
  { method: 'POST', path: '/api/environment/:environmentId/updatePartitionSchema', role: 'admin' },
  { method: 'POST', path: '/api/environment/:environmentId/updateEnvIdInConfig', role: 'admin' },
];

/**
 * Every route outside environments that needs a token, with its role tag and the grants it needs
 * (src/http/admin/grant-access.ts): checked like ROUTE_ROLES by test/api/route-roles.test.ts and
 * test/api/admin.test.ts, and listed in docs/api.md.
 */
export const GRANT_ROUTES: readonly { method: string; path: string; role: Role; scope: GrantScope }[] = [
  { method: 'GET', path: '/api/me', role: 'read', scope: 'token' },
  { method: 'GET', path: '/api/admin/environments', role: 'admin', scope: 'all-admin' },
  { method: 'POST', path: '/api/admin/environments', role: 'admin', scope: 'all-admin' },
  { method: 'GET', path: '/api/admin/clients', role: 'admin', scope: 'all-admin' },
  { method: 'POST', path: '/api/admin/clients', role: 'admin', scope: 'any-admin' },
  { method: 'POST', path: '/api/admin/clients/:clientId/revoke', role: 'admin', scope: 'all-admin' },
];

// The OCI routes live in oci-route-table.ts; they are exported from here too, next to the IV routes.
export { CONNECT_BASE, isConnectRoute, OCI_ROUTE_ROLES, OCI_ROUTES } from './oci-route-table.js';

/** The concrete URL of a route path in `environmentId`. */
export function fillPath(path: string, environmentId: string): string {
  return path
    .replace(':environmentId', environmentId)
    .replace(':organizationId', environmentId)
    .replace(':locationId', 'no-such-location')
    .replace(':sku', 'no-such-sku')
    .replace(':requestId', 'request-1')
    .replace(':exportId', 'graph-0')
    .replace(':version', 'v62.0')
    .replace(':uploadId', 'no-such-upload')
    .replace(':inventorySystem', 'pos')
    .replace(':reservationId', 'no-such-reservation')
    .replace(':webhookId', 'wh_none')
    .replace(':productId', 'no-such-product')
    .replace(':jobId', 'no-such-job');
}
