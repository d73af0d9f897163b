import type { Role } from '../../src/domain/roles.js';

/* The OCI API's routes and the roles they need; route-table.ts re-exports them with the IV routes. */

const OCI_AV = '/inventory/availability/v1/organizations/:organizationId';
const OCI_GRAPH = '/inventory/impex/v1/organizations/:organizationId/location-graph';
const OCI_IMPEX = '/inventory/impex/v1/organizations/:organizationId';
const OCI_EXPORTS = `${OCI_IMPEX}/availability-records/exports`;
const OCI_SKU = `${OCI_AV}/locations/:locationId/availability-records/skus/:sku/:requestId`;
/** The Connect REST flavour (spec §7): the environment is the token's only one, not in the path. */
export const CONNECT_BASE = '/services/data/:version/commerce/oci';

/**
 * Every route of the OCI API (/inventory/…/organizations/{organizationId}/…, docs/oci.md) with the
 * Onhand role its access hook asks for in the environment the organizationId names; checked like
 * ROUTE_ROLES by test/api/route-roles.test.ts (refusals there are problem+json) and listed in
 * docs/oci.md. `extension`: not in the OCI specification (the location-graph upload). The Connect REST
 * routes (under CONNECT_BASE) answer refusals as `[{ errorCode, message }]` and take the environment
 * from the token (one environment; a token of several is refused).
 */
const OCI_RES = '/inventory/reservation/v1/organizations/:organizationId';

export const OCI_ROUTES: readonly { method: string; path: string; role: Role; extension?: true }[] = [
  { method: 'POST', path: `${OCI_AV}/availability-records/actions/get-availability`, role: 'read' },
  { method: 'POST', path: `${OCI_AV}/availability-records/actions/batch-update`, role: 'write' },
  { method: 'PUT', path: OCI_SKU, role: 'write' },
  { method: 'PATCH', path: OCI_SKU, role: 'write' },
  { method: 'DELETE', path: OCI_SKU, role: 'write' },
  { method: 'POST', path: `${OCI_AV}/product-segmentation/actions/batch-update`, role: 'write' },
  { method: 'PUT', path: OCI_GRAPH, role: 'write', extension: true },
  { method: 'GET', path: OCI_GRAPH, role: 'read', extension: true },
  { method: 'POST', path: `${OCI_GRAPH}/exports`, role: 'read' },
  { method: 'GET', path: `${OCI_GRAPH}/exports/:exportId/status`, role: 'read' },
  { method: 'GET', path: `${OCI_GRAPH}/exports/:exportId/file-content`, role: 'read' },
  { method: 'DELETE', path: `${OCI_GRAPH}/exports/:exportId`, role: 'read' },
  {
    method: 'POST',
    path: `${CONNECT_BASE}/availability/availability-records/actions/get-availability`,
    role: 'read',
  },
  { method: 'POST', path: `${CONNECT_BASE}/availability-records/actions/batch-update`, role: 'write' },
  { method: 'POST', path: `${CONNECT_BASE}/availability-records/uploads`, role: 'write' },
  { method: 'GET', path: `${CONNECT_BASE}/availability-records/uploads/:uploadId`, role: 'read' },
  { method: 'POST', path: `${CONNECT_BASE}/location-graph/uploads`, role: 'write' },
  { method: 'GET', path: `${CONNECT_BASE}/location-graph/uploads/:uploadId`, role: 'read' },
  { method: 'POST', path: `${CONNECT_BASE}/reservation/actions/reservations`, role: 'write' },
  { method: 'POST', path: `${CONNECT_BASE}/reservation/actions/fulfillments`, role: 'write' },
  { method: 'POST', path: `${CONNECT_BASE}/reservation/actions/releases`, role: 'write' },
  { method: 'POST', path: `${CONNECT_BASE}/reservation/actions/transfers`, role: 'write' },
  { method: 'POST', path: `${CONNECT_BASE}/reservation/actions/update`, role: 'write' },
  { method: 'POST', path: `${OCI_AV}/availability-records/actions/get-deltas`, role: 'read' },
  { method: 'POST', path: OCI_EXPORTS, role: 'read' },
  { method: 'GET', path: `${OCI_EXPORTS}/:exportId/status`, role: 'read' },
  { method: 'GET', path: `${OCI_EXPORTS}/:exportId/file-content`, role: 'read' },
  { method: 'DELETE', path: `${OCI_EXPORTS}/:exportId`, role: 'read' },
  { method: 'POST', path: `${OCI_IMPEX}/reservations/exports`, role: 'read' },
  { method: 'GET', path: `${OCI_IMPEX}/reservations/exports/:exportId/status`, role: 'read' },
  { method: 'GET', path: `${OCI_IMPEX}/reservations/exports/:exportId/file-content`, role: 'read' },
  { method: 'DELETE', path: `${OCI_IMPEX}/reservations/exports/:exportId`, role: 'read' },
  { method: 'POST', path: `${OCI_IMPEX}/event-log/exports`, role: 'read' },
  { method: 'GET', path: `${OCI_IMPEX}/event-log/exports/:exportId/status`, role: 'read' },
  { method: 'GET', path: `${OCI_IMPEX}/event-log/exports/:exportId/file-content`, role: 'read' },
  { method: 'PUT', path: `${OCI_RES}/reservation-documents/:reservationId`, role: 'write' },
  { method: 'PATCH', path: `${OCI_RES}/reservation-documents/:reservationId`, role: 'write' },
  { method: 'POST', path: `${OCI_RES}/releases`, role: 'write' },
  { method: 'POST', path: `${OCI_RES}/fulfillments`, role: 'write' },
  { method: 'POST', path: `${OCI_RES}/transfers`, role: 'write' },
];

/** Whether an OCI_ROUTES path is of the Connect REST flavour. */
export const isConnectRoute = (path: string): boolean => path.startsWith('/services/data/');

/**
 * The OCI routes (paths as the OCI specification's, the organization being the environment) with the
 * role each needs (docs/oci.md, "Tokens": sfcc.inventory.impex-inventory → read, .rw → write).
 * test/api/oci/oci-import-routes.test.ts checks that the app registers exactly these under /inventory/.
 */
export const OCI_ROUTE_ROLES: readonly { method: string; path: string; role: Role }[] = [
  {
    method: 'POST',
    path: '/inventory/impex/v1/organizations/:organizationId/availability-records/imports',
    role: 'write',
  },
  {
    method: 'GET',
    path: '/inventory/impex/v1/organizations/:organizationId/availability-records/imports',
    role: 'read',
  },
  {
    method: 'POST',
    path: '/inventory/impex/v1/organizations/:organizationId/availability-records/imports/uploadlink/:uploadLinkId',
    role: 'write',
  },
  {
    method: 'GET',
    path: '/inventory/impex/v1/organizations/:organizationId/availability-records/imports/:importId/status',
    role: 'read',
  },
  {
    method: 'GET',
    path: '/inventory/impex/v1/organizations/:organizationId/availability-records/imports/:importId/file-content',
    role: 'read',
  },
  {
    method: 'DELETE',
    path: '/inventory/impex/v1/organizations/:organizationId/availability-records/imports/:importId',
    role: 'write',
  },
];
