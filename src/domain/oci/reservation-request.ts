import { fail } from '../codes.js';
import type { Qty } from '../quantity.js';
import { checkGroupId, checkLocationId, checkSku, parseOciDate, parseOciQty } from './oci-ids.js';

/** The longest reservation life (spec §1.2: expirationSeconds 1 … 14,400). */
export const MAX_EXPIRATION_SECONDS = 14_400;
/** Records of a releases, fulfillments or transfers request (spec §3.4 prose: 100). */
export const MAX_RESERVATION_RECORDS = 100;

/** Where a reservation line holds stock. */
export interface PlaceRef {
  readonly kind: 'location' | 'group';
  readonly id: string;
}

/** One line of a reservation document: a SKU and quantity at a location or group. */
export interface ReservationLine {
  readonly place: PlaceRef;
  readonly sku: string;
  readonly quantity: Qty;
  /** The all-or-nothing list the line belongs to (its lines are reserved together or not at all). */
  readonly allOrNothingId?: string;
}

/** A create request (spec §3.1), validated: every line and the header fields. */
export interface ReservationRequest {
  readonly lines: readonly ReservationLine[];
  readonly allowPartialReservations: boolean;
  readonly fulfillOnly: boolean;
  readonly expirationSeconds: number | null;
  readonly reservationTime: string | null;
  readonly externalRefId: string | null;
}

const ID = /^[a-zA-Z0-9_-]+$/;

/** A client-chosen id (reservation, all-or-nothing list, transfer): 1–128 of `[A-Za-z0-9-_]`. */
export function checkOciId(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 128 || !ID.test(value))
    fail('invalid_id', path, 'An id has 1 to 128 characters: letters, digits, "-" and "_".');
  return value;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function list(value: unknown, path: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('invalid_type', path, 'A list is expected.');
  return value;
}

function skuQuantities(value: unknown, path: string): { sku: string; quantity: Qty }[] {
  return list(value, path).map((r, i) => {
    if (!isObject(r)) fail('invalid_type', `${path}/${i}`, 'A reservation is an object.');
    return {
      sku: checkSku(r.sku, `${path}/${i}/sku`, 1),
      quantity: parseOciQty(r.quantity, `${path}/${i}/quantity`, 1000n),
    };
  });
}

/** Validates a create request (the five body shapes of spec §3.1); throws at the first bad field. */
export function parseReservationRequest(body: unknown): ReservationRequest {
  if (!isObject(body)) fail('invalid_type', '', 'The body is a JSON object.');
  const lines: ReservationLine[] = [];
  const aonIds = new Set<string>();
  for (const [i, l] of list(body.locations, '/locations').entries()) {
    const path = `/locations/${i}`;
    if (!isObject(l)) fail('invalid_type', path, 'A location is an object.');
    const place: PlaceRef = { kind: 'location', id: checkLocationId(l.id, `${path}/id`) };
    for (const r of skuQuantities(l.reservations, `${path}/reservations`)) lines.push({ place, ...r });
    for (const [j, a] of list(l.allOrNothingReservations, `${path}/allOrNothingReservations`).entries()) {
      const at = `${path}/allOrNothingReservations/${j}`;
      if (!isObject(a)) fail('invalid_type', at, 'An all-or-nothing list is an object.');
      const allOrNothingId = checkOciId(a.id, `${at}/id`);
      if (aonIds.has(allOrNothingId)) fail('invalid_id', `${at}/id`, 'An all-or-nothing id is used twice.');
      aonIds.add(allOrNothingId);
      for (const r of skuQuantities(a.reservations, `${at}/reservations`))
        lines.push({ place, ...r, allOrNothingId });
    }
  }
  for (const [i, g] of list(body.groups, '/groups').entries()) {
    const path = `/groups/${i}`;
    if (!isObject(g)) fail('invalid_type', path, 'A group is an object.');
    const place: PlaceRef = { kind: 'group', id: checkGroupId(g.id, `${path}/id`, 2) };
    for (const r of skuQuantities(g.reservations, `${path}/reservations`)) lines.push({ place, ...r });
  }
  if (lines.length === 0) fail('oci_no_places', '', 'No location or groups provided.');
  const fulfillOnly = optionalBoolean(body.fulfillOnly, '/fulfillOnly', false);
  if (fulfillOnly && (body.groups !== undefined || aonIds.size > 0))
    fail('invalid_request', '/fulfillOnly', 'fulfillOnly applies to location reservations only.');
  let expirationSeconds: number | null = null;
  if (body.expirationSeconds !== undefined) {
    const e = body.expirationSeconds;
    if (typeof e !== 'number' || !Number.isInteger(e) || e < 1 || e > MAX_EXPIRATION_SECONDS)
      fail(
        'invalid_expiry',
        '/expirationSeconds',
        `expirationSeconds is an integer from 1 to ${MAX_EXPIRATION_SECONDS}.`,
      );
    expirationSeconds = e;
  }
  const reservationTime =
    body.reservationTime === undefined ? null : parseOciDate(body.reservationTime, '/reservationTime');
  if (body.externalRefId !== undefined && typeof body.externalRefId !== 'string')
    fail('invalid_type', '/externalRefId', 'externalRefId is a string.');
  return {
    lines,
    allowPartialReservations: optionalBoolean(
      body.allowPartialReservations,
      '/allowPartialReservations',
      true,
    ),
    fulfillOnly,
    expirationSeconds,
    reservationTime,
    externalRefId: (body.externalRefId as string | undefined) ?? null,
  };
}

function optionalBoolean(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail('invalid_type', path, 'A boolean is expected.');
  return value;
}

/** A record of releases, fulfillments or transfers, common fields. */
export interface MovementRecord {
  readonly id: string;
  readonly externalRefId: string | null;
  readonly sku: string;
  readonly quantity: Qty;
}

export interface ReleaseRecord extends MovementRecord {
  readonly place: PlaceRef;
}

export interface FulfillmentRecord extends MovementRecord {
  readonly location: string;
  /** ISO-8601 UTC, or null (now). */
  readonly fulfillmentTime: string | null;
}

export interface TransferRecord extends MovementRecord {
  readonly from: PlaceRef;
  readonly to: PlaceRef;
  readonly ignoreAvailabilityCheck: boolean;
}

/** The `records` list of a releases, fulfillments or transfers body (1 … 100 objects). */
export function recordsOf(body: unknown): Json[] {
  if (!isObject(body) || body.records === undefined)
    fail('missing_field', '/records', 'The body holds a list of records.');
  const records = list(body.records, '/records');
  if (records.length === 0) fail('missing_field', '/records', 'At least one record is required.');
  if (records.length > MAX_RESERVATION_RECORDS)
    fail('too_many_items', '/records', `At most ${MAX_RESERVATION_RECORDS} records are allowed.`);
  return records.map((r, i) =>
    isObject(r) ? r : fail('invalid_type', `/records/${i}`, 'A record is an object.'),
  );
}

function common(r: Json, path: string, minimum: 0n | 1000n): MovementRecord {
  if (r.id === undefined) fail('missing_field', `${path}/id`, 'A record has an id.');
  if (typeof r.id !== 'string' || r.id.length === 0)
    fail('invalid_id', `${path}/id`, 'A record id is a non-empty string.');
  if (r.externalRefId !== undefined && typeof r.externalRefId !== 'string')
    fail('invalid_type', `${path}/externalRefId`, 'externalRefId is a string.');
  if (r.sku === undefined) fail('missing_field', `${path}/sku`, 'A record has a sku.');
  if (r.quantity === undefined) fail('missing_field', `${path}/quantity`, 'A record has a quantity.');
  return {
    id: r.id,
    externalRefId: (r.externalRefId as string | undefined) ?? null,
    sku: checkSku(r.sku, `${path}/sku`, 1),
    quantity: parseOciQty(r.quantity, `${path}/quantity`, minimum),
  };
}

/** A place given as `{ location }` or `{ group }` (exactly one). */
export function placeOfRecord(r: Json, path: string): PlaceRef {
  const hasLocation = r.location !== undefined;
  const hasGroup = r.group !== undefined;
  if (hasLocation && hasGroup)
    fail('oci_location_and_group', path, 'User provided locationId AND groupId; provide exactly one.');
  if (hasLocation) return { kind: 'location', id: checkLocationId(r.location, `${path}/location`) };
  if (hasGroup) return { kind: 'group', id: checkGroupId(r.group, `${path}/group`, 2) };
  return fail('missing_field', path, 'A location or a group is required.');
}

export function parseReleaseRecord(r: Json, path: string): ReleaseRecord {
  return { ...common(r, path, 0n), place: placeOfRecord(r, path) };
}

export function parseFulfillmentRecord(r: Json, path: string): FulfillmentRecord {
  if (r.location === undefined) fail('missing_field', `${path}/location`, 'A fulfillment has a location.');
  return {
    ...common(r, path, 1000n),
    location: checkLocationId(r.location, `${path}/location`),
    fulfillmentTime:
      r.fulfillmentTime === undefined ? null : parseOciDate(r.fulfillmentTime, `${path}/fulfillmentTime`),
  };
}

export function parseTransferRecord(r: Json, path: string): TransferRecord {
  const side = (v: unknown, at: string) =>
    isObject(v) ? placeOfRecord(v, at) : fail('missing_field', at, 'A transfer has a from and a to place.');
  const ignore = optionalBoolean(r.ignoreAvailabilityCheck, `${path}/ignoreAvailabilityCheck`, false);
  return {
    ...common(r, path, 1000n),
    from: side(r.from, `${path}/from`),
    to: side(r.to, `${path}/to`),
    ignoreAvailabilityCheck: ignore,
  };
}
