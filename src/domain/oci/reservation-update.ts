import { fail } from '../codes.js';
import type { Qty } from '../quantity.js';
import { checkSku, parseOciDate, parseOciQty } from './oci-ids.js';
import { checkOciId, MAX_RESERVATION_RECORDS, type PlaceRef, placeOfRecord } from './reservation-request.js';

/** One line of an update: the quantity the reservation is to hold of a SKU at a place (its new total). */
export interface UpdateLine {
  readonly place: PlaceRef;
  readonly sku: string;
  /** The line's new total (0 releases all of it). */
  readonly quantity: Qty;
}

/** An update of a reservation document (Connect `reservation/actions/update`, docs/oci.md). */
export interface ReservationUpdate {
  readonly lines: readonly UpdateLine[];
  /** Each line by itself, and an increase may be partly granted (else the whole update or nothing). */
  readonly partial: boolean;
  readonly externalRefId: string | null;
  readonly reservationTime: string | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail('invalid_type', path, 'A boolean is expected.');
  return value;
}

/**
 * Validates an update: `{ records: [{ location | group, sku, quantity }], allowPartialReservations?,
 * allOrNothing?, externalRefId?, reservationTime? }` (the Connect names mapped by the route). A SKU
 * and place named twice is refused (which total would win is not said). Throws at the first bad field.
 */
export function parseReservationUpdate(body: unknown): ReservationUpdate {
  if (!isObject(body)) fail('invalid_type', '', 'The body is a JSON object.');
  const records = body.records;
  if (!Array.isArray(records) || records.length === 0)
    fail('missing_field', '/records', 'At least one update record is required.');
  if (records.length > MAX_RESERVATION_RECORDS)
    fail('too_many_items', '/records', `At most ${MAX_RESERVATION_RECORDS} records are allowed.`);
  const seen = new Set<string>();
  const lines = records.map((r, i): UpdateLine => {
    const path = `/records/${i}`;
    if (!isObject(r)) fail('invalid_type', path, 'A record is an object.');
    if (r.sku === undefined) fail('missing_field', `${path}/sku`, 'A record has a sku.');
    if (r.quantity === undefined) fail('missing_field', `${path}/quantity`, 'A record has a quantity.');
    const place = placeOfRecord(r, path);
    const sku = checkSku(r.sku, `${path}/sku`, 1);
    const key = JSON.stringify([place.kind, place.id, sku]);
    if (seen.has(key)) fail('invalid_request', path, 'A SKU at a place is named twice; give each line once.');
    seen.add(key);
    return { place, sku, quantity: parseOciQty(r.quantity, `${path}/quantity`, 0n) };
  });
  const allowPartial = optionalBoolean(body.allowPartialReservations, '/allowPartialReservations');
  const allOrNothing = optionalBoolean(body.allOrNothing, '/allOrNothing');
  if (body.externalRefId !== undefined && typeof body.externalRefId !== 'string')
    fail('invalid_type', '/externalRefId', 'externalRefId is a string.');
  return {
    lines,
    partial: allowPartial === true && allOrNothing !== true,
    externalRefId: (body.externalRefId as string | undefined) ?? null,
    reservationTime:
      body.reservationTime === undefined ? null : parseOciDate(body.reservationTime, '/reservationTime'),
  };
}

export { checkOciId };
