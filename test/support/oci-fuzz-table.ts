import { CONNECT_BASE, OCI_ROUTES } from './route-table.js';
import type { FuzzTemplate } from './write-fuzz-table.js';

/**
 * Fuzz templates of the OCI write routes (OCI_ROUTES), used by test/api/write-fuzz.test.ts like
 * FUZZ_TEMPLATES; their refusals are problem+json with an OCI errorCode (Connect REST routes:
 * `[{ errorCode, message }]`), and batch answers a 200 whose `errors` list every record.
 */
const AV = '/inventory/availability/v1/organizations/:organizationId';
const IMPEX = '/inventory/impex/v1/organizations/:organizationId';
const EXPORTS = `${IMPEX}/availability-records/exports`;
const SKU = `${AV}/locations/:locationId/availability-records/skus/:sku/:requestId`;
const update = { onHand: 1, safetyStockCount: 1, effectiveDate: '2026-01-01T00:00:00Z' };
const updateFields = { onHand: 'quantity', safetyStockCount: 'quantity', effectiveDate: 'id' } as const;

const RES = '/inventory/reservation/v1/organizations/:organizationId';
const line = { sku: 'sku-1', quantity: 1 };
const movement = { id: 'fuzz-1', sku: 'sku-1', quantity: 1 };
const movementFields = {
  records: 'list',
  'records.0.id': 'id',
  'records.0.sku': 'id',
  'records.0.quantity': 'quantity',
} as const;

export const OCI_FUZZ_TEMPLATES: Readonly<Record<string, FuzzTemplate>> = {
  [`PUT ${RES}/reservation-documents/:reservationId`]: {
    body: {
      expirationSeconds: 60,
      locations: [{ id: 'loc-1', reservations: [line] }],
      groups: [{ id: 'group-1', reservations: [line] }],
    },
    fields: {
      locations: 'list',
      'locations.0.id': 'id',
      'locations.0.reservations': 'list',
      'locations.0.reservations.0.sku': 'id',
      'locations.0.reservations.0.quantity': 'quantity',
      groups: 'list',
      'groups.0.id': 'id',
      'groups.0.reservations.0.quantity': 'quantity',
    },
  },
  [`PATCH ${RES}/reservation-documents/:reservationId`]: {
    body: { status: 'CANCELLED' },
    fields: { status: 'id' },
  },
  [`POST ${RES}/releases`]: {
    body: { records: [{ ...movement, location: 'loc-1' }] },
    fields: { ...movementFields, 'records.0.location': 'id' },
  },
  [`POST ${RES}/fulfillments`]: {
    body: { records: [{ ...movement, location: 'loc-1' }] },
    fields: { ...movementFields, 'records.0.location': 'id' },
  },
  [`POST ${RES}/transfers`]: {
    body: { records: [{ ...movement, from: { location: 'loc-1' }, to: { location: 'loc-2' } }] },
    fields: { ...movementFields, 'records.0.from.location': 'id', 'records.0.to.location': 'id' },
  },
  [`POST ${AV}/availability-records/actions/batch-update`]: {
    body: { records: [{ id: 'fuzz-1', sku: 'sku-1', location: 'loc-1', ...update }] },
    fields: {
      records: 'list',
      'records.0.id': 'id',
      'records.0.sku': 'id',
      'records.0.location': 'id',
      'records.0.onHand': 'quantity',
      'records.0.safetyStockCount': 'quantity',
    },
  },
  [`PUT ${SKU}`]: { body: update, fields: updateFields },
  [`PATCH ${SKU}`]: { body: update, fields: updateFields },
  [`POST ${AV}/product-segmentation/actions/batch-update`]: {
    body: { groups: [{ groupId: 'group-1', mode: 'APPEND', skus: ['sku-1'] }] },
    fields: { groups: 'list', 'groups.0.groupId': 'id', 'groups.0.skus': 'list', 'groups.0.skus.0': 'id' },
  },
  [`POST ${CONNECT_BASE}/availability-records/actions/batch-update`]: {
    body: {
      records: [
        {
          actionRequestId: 'fuzz-1',
          stockKeepingUnit: 'sku-1',
          locationIdentifier: 'loc-1',
          ...update,
        },
      ],
    },
    fields: {
      records: 'list',
      'records.0.actionRequestId': 'id',
      'records.0.stockKeepingUnit': 'id',
      'records.0.locationIdentifier': 'id',
      'records.0.onHand': 'quantity',
      'records.0.safetyStockCount': 'quantity',
    },
  },
  [`POST ${CONNECT_BASE}/reservation/actions/reservations`]: {
    body: {
      actionRequestId: 'fuzz-res-1',
      expirationSeconds: 600,
      createRecords: [{ locationIdentifier: 'loc-1', stockKeepingUnit: 'sku-1', quantity: 1 }],
    },
    fields: {
      actionRequestId: 'id',
      createRecords: 'list',
      'createRecords.0.locationIdentifier': 'id',
      'createRecords.0.stockKeepingUnit': 'id',
      'createRecords.0.quantity': 'quantity',
    },
  },
  [`POST ${CONNECT_BASE}/reservation/actions/fulfillments`]: {
    body: {
      fulfillmentRecords: [
        { actionRequestId: 'fuzz-f-1', locationIdentifier: 'loc-1', stockKeepingUnit: 'sku-1', quantity: 1 },
      ],
    },
    fields: {
      fulfillmentRecords: 'list',
      'fulfillmentRecords.0.actionRequestId': 'id',
      'fulfillmentRecords.0.locationIdentifier': 'id',
      'fulfillmentRecords.0.quantity': 'quantity',
    },
  },
  [`POST ${CONNECT_BASE}/reservation/actions/releases`]: {
    body: {
      releaseRecords: [
        { actionRequestId: 'fuzz-r-1', locationIdentifier: 'loc-1', stockKeepingUnit: 'sku-1', quantity: 1 },
      ],
    },
    fields: {
      releaseRecords: 'list',
      'releaseRecords.0.actionRequestId': 'id',
      'releaseRecords.0.locationIdentifier': 'id',
      'releaseRecords.0.quantity': 'quantity',
    },
  },
  [`POST ${CONNECT_BASE}/reservation/actions/transfers`]: {
    body: {
      transferRecords: [
        {
          actionRequestId: 'fuzz-t-1',
          fromLocationIdentifier: 'loc-1',
          toLocationIdentifier: 'loc-2',
          stockKeepingUnit: 'sku-1',
          quantity: 1,
        },
      ],
    },
    fields: {
      transferRecords: 'list',
      'transferRecords.0.actionRequestId': 'id',
      'transferRecords.0.fromLocationIdentifier': 'id',
      'transferRecords.0.quantity': 'quantity',
    },
  },
  [`POST ${CONNECT_BASE}/reservation/actions/update`]: {
    body: {
      actionRequestId: 'fuzz-u-1',
      reservationId: 'fuzz-res-1',
      updateRecords: [{ locationIdentifier: 'loc-1', stockKeepingUnit: 'sku-1', quantity: 2 }],
    },
    fields: {
      actionRequestId: 'id',
      reservationId: 'id',
      updateRecords: 'list',
      'updateRecords.0.locationIdentifier': 'id',
      'updateRecords.0.stockKeepingUnit': 'id',
      'updateRecords.0.quantity': 'quantity',
    },
  },
  'PUT /inventory/impex/v1/organizations/:organizationId/location-graph': {
    body: {
      ivOrganizationId: 'usmf',
      locations: ['loc-1'],
      groups: [{ id: 'group-1', locations: ['loc-1'] }],
    },
    fields: {
      ivOrganizationId: 'id',
      locations: 'list',
      'locations.0': 'id',
      groups: 'list',
      'groups.0.id': 'id',
      'groups.0.locations': 'list',
    },
  },
  [`POST ${AV}/availability-records/actions/get-deltas`]: {
    body: { deltaToken: 'eyJ2IjoxLCJlIjoidGVzdCIsInAiOjAsImciOlsiZ3JvdXAtMSJdfQ' },
    fields: { deltaToken: 'id' },
  },
  [`POST ${EXPORTS}`]: {
    body: { objects: { groups: ['group-1'] } },
    fields: { objects: 'object', 'objects.groups': 'list', 'objects.groups.0': 'id' },
  },
  [`POST ${IMPEX}/reservations/exports`]: {
    body: { fromDate: '2026-01-01', toDate: '2026-01-31', status: 'open' },
    fields: { fromDate: 'id', toDate: 'id', status: 'id' },
  },
  [`POST ${IMPEX}/event-log/exports`]: {
    body: { sku: 'sku-1', startsOn: '2026-01-01', locations: ['loc-1'] },
    fields: { sku: 'id', startsOn: 'id', locations: 'list', 'locations.0': 'id' },
  },
};

/** OCI write routes without a JSON body (nothing hostile to send; Connect uploads are multipart). */
const OCI_NO_BODY = new Set([
  `POST ${CONNECT_BASE}/availability-records/uploads`,
  `POST ${CONNECT_BASE}/location-graph/uploads`,
  `DELETE ${SKU}`,
  'POST /inventory/impex/v1/organizations/:organizationId/location-graph/exports',
  'DELETE /inventory/impex/v1/organizations/:organizationId/location-graph/exports/:exportId',
  `DELETE ${EXPORTS}/:exportId`,
  `DELETE ${IMPEX}/reservations/exports/:exportId`,
]);

/** The OCI routes that change something and take a body. */
export const OCI_WRITE_ROUTES = OCI_ROUTES.filter(
  (r) =>
    r.method !== 'GET' && !OCI_NO_BODY.has(`${r.method} ${r.path}`) && !r.path.endsWith('get-availability'),
);
