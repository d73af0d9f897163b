import { ROUTE_ROLES } from './route-table.js';

/** What a field holds, so the fuzzer knows which values can never be valid there. */
export type FieldKind = 'id' | 'quantity' | 'object' | 'list' | 'integer';

/**
 * A valid-looking body per write endpoint of ROUTE_ROLES; the fuzz test (test/api/write-fuzz.test.ts)
 * breaks one field of it with a hostile value of the wrong kind, so the result is never a valid
 * write. `fields` maps dot-separated paths to their kind. Adding a write endpoint: add its line to
 * ROUTE_ROLES and a template here (a route missing here makes the fuzz test fail).
 */
export interface FuzzTemplate {
  readonly body: unknown;
  readonly fields: Readonly<Record<string, FieldKind>>;
  /** Answers with the bulk envelope though its path does not end in /bulk (default: by its path). */
  readonly bulk?: boolean;
}

const event = {
  id: 'fuzz-1',
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
  quantities: { pos: { inbound: 1 } },
};
const eventFields: Record<string, FieldKind> = {
  id: 'id',
  organizationId: 'id',
  productId: 'id',
  dimensions: 'object',
  quantities: 'object',
  'quantities.pos': 'object',
  'quantities.pos.inbound': 'quantity',
};
const reserve = {
  id: 'fuzz-r1',
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensions: { siteId: '1', locationId: '11' },
  quantityDataSource: 'iv',
  modifier: 'softreserved',
  quantity: 1,
};
const reserveFields: Record<string, FieldKind> = {
  id: 'id',
  organizationId: 'id',
  productId: 'id',
  dimensions: 'object',
  quantity: 'quantity',
};
const unreserve = {
  id: 'fuzz-u1',
  organizationId: 'usmf',
  productId: 'T-shirt',
  reservationId: 'r-1',
  OffsetQty: 1,
};
const unreserveFields: Record<string, FieldKind> = {
  id: 'id',
  organizationId: 'id',
  reservationId: 'id',
  OffsetQty: 'quantity',
};
const offset = { ...event, id: 'fuzz-o1', reservationId: 'r-1', offsetQty: 1 };
const offsetFields: Record<string, FieldKind> = {
  ...eventFields,
  reservationId: 'id',
  offsetQty: 'quantity',
};

// Dates are the near future whatever day the test runs (today + 1 and + 2 days).
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const schedule = {
  id: 'fuzz-s1',
  organizationId: 'usmf',
  productId: 'Bike',
  dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
  quantitiesByDate: { [day(1)]: { iv: { ordered: 10 } }, [day(2)]: { pos: { inbound: 20 } } },
};
const scheduleFields: Record<string, FieldKind> = {
  id: 'id',
  organizationId: 'id',
  productId: 'id',
  dimensions: 'object',
  quantitiesByDate: 'object',
  [`quantitiesByDate.${day(1)}`]: 'object',
  [`quantitiesByDate.${day(1)}.iv.ordered`]: 'quantity',
};

const allocation = {
  id: 'fuzz-a1',
  organizationId: 'usmf',
  productId: 'T-shirt',
  dimensions: { siteId: '1', locationId: '11' },
  groups: { channel: 'web', customerGroup: 'VIP' },
  quantity: 1,
};
const allocationFields: Record<string, FieldKind> = {
  id: 'id',
  organizationId: 'id',
  productId: 'id',
  dimensions: 'object',
  groups: 'object',
  'groups.channel': 'id',
  quantity: 'quantity',
};
const reallocation = { ...allocation, id: 'fuzz-a2', sourceGroups: { channel: 'stores' } };
const reallocationFields: Record<string, FieldKind> = { ...allocationFields, sourceGroups: 'object' };
const consume = { ...allocation, id: 'fuzz-a3', physicalMeasures: { pos: { inbound: 'Subtraction' } } };
const consumeFields: Record<string, FieldKind> = {
  ...allocationFields,
  physicalMeasures: 'object',
  'physicalMeasures.pos': 'object',
};

const P = '/api/environment/:environmentId';
/** Stands for the configuration of the environment under test, read when the test starts. */
export const CURRENT_CONFIGURATION = 'current-configuration';
export const FUZZ_TEMPLATES: Readonly<Record<string, FuzzTemplate>> = {
  [`POST ${P}/onhand`]: { body: event, fields: eventFields },
  [`POST ${P}/onhand/bulk`]: { body: event, fields: eventFields },
  [`POST ${P}/setonhand/:inventorySystem/bulk`]: { body: event, fields: eventFields },
  [`POST ${P}/onhand/reserve`]: { body: reserve, fields: reserveFields },
  [`POST ${P}/onhand/reserve/bulk`]: { body: reserve, fields: reserveFields },
  [`POST ${P}/onhand/unreserve`]: { body: unreserve, fields: unreserveFields },
  [`POST ${P}/onhand/unreserve/bulk`]: { body: unreserve, fields: unreserveFields },
  [`POST ${P}/onhand/offset`]: { body: offset, fields: offsetFields },
  [`POST ${P}/onhand/offset/bulk`]: { body: offset, fields: offsetFields },
  [`POST ${P}/onhand/changeschedule`]: { body: schedule, fields: scheduleFields },
  [`POST ${P}/onhand/changeschedule/bulk`]: { body: schedule, fields: scheduleFields },
  [`POST ${P}/onhand/reservations/:reservationId/extend`]: {
    body: { ttlSeconds: 60 },
    fields: { ttlSeconds: 'integer' },
  },
  // CURRENT_CONFIGURATION: the test sends the environment's configuration as read at the start.
  [`POST ${P}/configuration/hardupdate`]: {
    body: CURRENT_CONFIGURATION,
    fields: {
      inventorySystemConfigurations: 'object',
      'inventorySystemConfigurations.pos': 'object',
      'inventorySystemConfigurations.pos.physicalMeasures': 'list',
      // configurationVersion and the other server-owned fields are ignored (issue 12), not checked.
      'scheduleConfiguration.schedulePeriodInDays': 'integer',
    },
  },
  [`POST ${P}/allocation/allocate`]: { body: allocation, fields: allocationFields },
  [`POST ${P}/allocation/allocate/bulk`]: { body: allocation, fields: allocationFields },
  [`POST ${P}/allocation/unallocate`]: { body: allocation, fields: allocationFields },
  [`POST ${P}/allocation/unallocate/bulk`]: { body: allocation, fields: allocationFields },
  [`POST ${P}/allocation/reallocate`]: { body: reallocation, fields: reallocationFields },
  [`POST ${P}/allocation/reallocate/bulk`]: { body: reallocation, fields: reallocationFields },
  [`POST ${P}/allocation/consume`]: { body: consume, fields: consumeFields },
  [`POST ${P}/allocation/consume/bulk`]: { body: consume, fields: consumeFields },
  [`DELETE ${P}/partitions/cleanupalldata`]: { body: ['usmf~1~11'], fields: { '0': 'id' } },
  [`POST ${P}/webhooks`]: {
    body: { url: 'https://hooks.example.com/onhand', filters: { productId: ['T-shirt'] } },
    fields: { url: 'id', filters: 'object', 'filters.productId': 'list' },
  },
  [`PATCH ${P}/webhooks/:webhookId`]: { body: { enabled: false }, fields: { enabled: 'integer' } },
  [`POST ${P}/webhooks/:webhookId/redeliver`]: { body: { after: '0' }, fields: { after: 'id' } },
  [`POST ${P}/products/bulk`]: {
    body: { productId: 'Bike-1000', productName: 'Deluxe touring bike', productType: 'Item', attributes: [] },
    // productName is free text (an empty name is a name); the id and the attribute list are checked.
    fields: { productId: 'id', attributes: 'list' },
  },
  [`POST ${P}/onhand/reserve/resyncjob`]: { body: ['iv'], fields: { '0': 'id' } },
  [`POST ${P}/transaction/adjustment/bulk`]: {
    body: {
      id: 'Adj-fuzz',
      organizationId: 'usmf',
      productId: 'T-shirt',
      quantityDataSource: 'pos',
      physicalMeasure: 'inbound',
      dimensions: { siteId: '1', locationId: '11', colorId: 'red' },
      quantity: 5,
    },
    fields: { id: 'id', organizationId: 'id', productId: 'id', dimensions: 'object', quantity: 'quantity' },
  },
  [`POST ${P}/transaction/adjustment/syncstatus`]: {
    body: [{ id: 'Adj-none', syncStatus: 'FnOSyncEnqueued' }],
    fields: { '0': 'object', '0.id': 'id', '0.syncStatus': 'id' },
    bulk: true,
  },
  [`DELETE ${P}/cleanupalldata`]: { body: ['usmf~1~11'], fields: { '0': 'id' } },
};

/**
 * Write routes that read no body and are idempotent, so there is nothing hostile to send them (the
 * partition-schema calls take their arguments in the query; test/api/partition-modes.test.ts covers them).
 */
export const NO_BODY_ROUTES: readonly string[] = [
  `PUT ${P}`,
  `POST ${P}/updatePartitionSchema`,
  `POST ${P}/updateEnvIdInConfig`,
  `DELETE ${P}/webhooks/:webhookId`,
];

/** Every route of ROUTE_ROLES that changes something (write and admin roles, not GET). */
export const WRITE_ROUTES = ROUTE_ROLES.filter(
  (r) => r.role !== 'read' && r.role !== 'availability' && r.method !== 'GET',
);
