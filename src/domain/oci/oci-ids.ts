import { fail } from '../codes.js';
import { checkText } from '../identifiers.js';
import { parseQty, type Qty } from '../quantity.js';

/**
 * Identifier and number rules of the OCI API (spec §1.2). Every check throws OnhandError with the JSON
 * pointer of the bad field; the OCI routes answer it as `InvalidRequestParameter` with that pointer as
 * `parameterName`.
 */

/** SKU: no `\ < > ; % /` and no white space (the specification's pattern), 1–250 characters. */
const SKU = /^[^\\<>;%/\s]*$/;
/** Location and group ids: letters, digits, `-` and `_`. */
const PLACE_ID = /^[a-zA-Z0-9_-]*$/;

export const MAX_SKU_LENGTH = 250;
export const MAX_PLACE_ID_LENGTH = 128;
/** One thousandth: every OCI quantity is a multiple of it (multipleOf 0.001), in millionths. */
export const OCI_QTY_STEP: Qty = 1000n;

/**
 * A SKU: at least 2 characters in the availability specification (the default here), at least 1 in
 * the reservation specification (its types pass `minLength` 1).
 */
export function checkSku(value: unknown, path: string, minLength: 1 | 2 = 2): string {
  if (typeof value !== 'string') fail('invalid_type', path, 'A SKU is a string.');
  if (value.length < minLength) fail('invalid_id', path, `A SKU has at least ${minLength} characters.`);
  if (value.length > MAX_SKU_LENGTH)
    fail('value_too_long', path, `A SKU has at most ${MAX_SKU_LENGTH} characters.`);
  if (!SKU.test(value))
    fail('invalid_id', path, 'A SKU cannot contain \\ < > ; % / or white space (spaces, tabs, line breaks).');
  // A SKU is the IV productId, which holds no control characters (PostgreSQL text cannot hold a NUL).
  checkText(value, path);
  return value;
}

/** A location id: `^[a-zA-Z0-9-_]*$`, 2–128 characters. */
export function checkLocationId(value: unknown, path: string): string {
  return placeId(value, path, 2, 'location');
}

/**
 * A group id: `^[a-zA-Z0-9-_]*$`. Requests may name groups of 1–128 characters (availability
 * specification); a graph upload defines groups of 2–128 (the reservation and export specifications),
 * so every group defined can be named everywhere.
 */
export function checkGroupId(value: unknown, path: string, minLength: 1 | 2 = 1): string {
  return placeId(value, path, minLength, 'group');
}

function placeId(value: unknown, path: string, min: number, what: string): string {
  if (typeof value !== 'string') fail('invalid_type', path, `A ${what} id is a string.`);
  if (value.length < min) fail('invalid_id', path, `A ${what} id has at least ${min} characters.`);
  if (value.length > MAX_PLACE_ID_LENGTH)
    fail('value_too_long', path, `A ${what} id has at most ${MAX_PLACE_ID_LENGTH} characters.`);
  if (!PLACE_ID.test(value))
    fail('invalid_id', path, `A ${what} id holds only letters, digits, "-" and "_".`);
  return value;
}

/**
 * An OCI quantity: a JSON number, a multiple of 0.001, at least `minimum` (0 for stock values such as
 * onHand and safetyStockCount, 0.001 for request quantities such as a future's `quantity`).
 */
export function parseOciQty(value: unknown, path: string, minimum: 0n | 1000n = 0n): Qty {
  if (typeof value !== 'number') fail('invalid_quantity', path, 'A quantity is a JSON number.');
  const qty = parseQty(value, path);
  if (qty % OCI_QTY_STEP !== 0n)
    fail('quantity_precision', path, 'A quantity is a multiple of 0.001 (at most three decimals).');
  if (qty < minimum)
    fail(
      'quantity_out_of_range',
      path,
      minimum === 0n ? 'A quantity must not be negative.' : 'A quantity is at least 0.001.',
    );
  return qty;
}

/** An RFC 3339 date-time (`2020-04-08T14:05:22.790896-07:00`), normalised to ISO-8601 UTC. */
export function parseOciDate(value: unknown, path: string): string {
  const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
  if (typeof value !== 'string' || !RFC3339.test(value))
    fail('invalid_datetime', path, 'A date-time is RFC 3339, such as 2020-04-08T14:05:22.790896-07:00.');
  // Date keeps milliseconds; finer digits are cut (they cannot matter for a date of a future).
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(ms)) fail('invalid_datetime', path, `"${value}" is not a valid date-time.`);
  const iso = new Date(ms).toISOString();
  if (iso.startsWith('+') || iso.startsWith('-'))
    fail('invalid_datetime', path, 'A date-time lies in the years 0001 to 9999.');
  return iso;
}
