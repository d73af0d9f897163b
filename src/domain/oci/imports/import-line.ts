import { isCleanText } from '../../identifiers.js';
import type { OciAvailabilityRecord, OciFuture } from './record-applier.js';

/** The two NDJSON layouts of an availability import file (spec §4.2). */
export type ImportLayout = 'perLine' | 'legacy';

/** What an import line is: a legacy header, a record, or an error to report for that line. */
export type ImportLine =
  | { readonly kind: 'header'; readonly location: string }
  | { readonly kind: 'record'; readonly record: OciAvailabilityRecord; readonly layout: ImportLayout }
  | { readonly kind: 'blank' }
  | {
      readonly kind: 'error';
      readonly message: string;
      readonly recordId?: string;
      readonly sku?: string;
      readonly locationId?: string;
    };

const SKU = /^[^\\<>;%/\s]*$/;
const LOCATION = /^[a-zA-Z0-9_-]*$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const RECORD_FIELDS = new Set([
  'recordId',
  'sku',
  'locationId',
  'onHand',
  'safetyStockCount',
  'effectiveDate',
  'futures',
]);

/**
 * Reads one line of an import file. `location` is the legacy header in force (undefined before any),
 * `now` decides whether a future's expectedDate is in the future. Pure: no clock, no I/O.
 */
export function readImportLine(text: string, location: string | undefined, now: Date): ImportLine {
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'error', message: 'The line is not valid JSON.' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'error', message: 'The line is not a JSON object.' };
  }
  const line = value as Record<string, unknown>;
  if ('mode' in line) return readHeader(line);
  return readImportRecord(line, location, now);
}

/** Checks one record's fields (a JSON line's object, or a CSV row's: csv-line.ts). Pure. */
export function readImportRecord(
  line: Record<string, unknown>,
  location: string | undefined,
  now: Date,
): ImportLine {
  const ids = {
    ...(typeof line.recordId === 'string' ? { recordId: line.recordId } : {}),
    ...(typeof line.sku === 'string' ? { sku: line.sku } : {}),
  };
  const fail = (message: string, locationId = own(line) ?? location): ImportLine => ({
    kind: 'error',
    message,
    ...ids,
    ...(locationId === undefined ? {} : { locationId }),
  });
  const unknown = Object.keys(line).find((key) => !RECORD_FIELDS.has(key));
  if (unknown !== undefined) return fail(`'${unknown}' is not a field of an import record.`);
  if (typeof line.recordId !== 'string' || line.recordId.length === 0 || line.recordId.length > 128) {
    return fail("'recordId' is required: a string of 1-128 characters.");
  }
  // Onhand's rule, not the specification's (it only calls recordId a UUID): the record's IV event id
  // is made of it, and IV ids hold no control characters. Checked here, so that a recordId too long
  // to be kept in its event id (which is then hashed) is refused the same way (docs/oci.md).
  if (!isCleanText(line.recordId)) {
    return fail("'recordId' must not contain control characters (such as a line break) or lone surrogates.");
  }
  if (typeof line.sku !== 'string' || line.sku.length < 2 || line.sku.length > 250 || !SKU.test(line.sku)) {
    return fail("'sku' must be 2-250 characters without \\ < > ; % / or white space.");
  }
  const layout: ImportLayout = 'locationId' in line ? 'perLine' : 'legacy';
  const locationId = layout === 'perLine' ? line.locationId : location;
  if (locationId === undefined) return fail('A record without locationId needs a header line before it.');
  if (!isLocationId(locationId)) {
    return fail("'locationId' must be 2-128 letters, digits, '-' or '_'.", undefined);
  }
  const record: { -readonly [K in keyof OciAvailabilityRecord]: OciAvailabilityRecord[K] } = {
    id: line.recordId,
    sku: line.sku,
    locationId,
  };
  for (const field of ['onHand', 'safetyStockCount'] as const) {
    if (!(field in line)) continue;
    const quantity = line[field];
    if (quantity !== null && !isQuantity(quantity, 0)) {
      return fail(`'${field}' must be a number of at least 0 with at most 3 decimals.`);
    }
    record[field] = quantity;
  }
  if ('effectiveDate' in line) {
    const date = line.effectiveDate;
    if (date !== null && !isDateTime(date)) return fail("'effectiveDate' must be an RFC 3339 date-time.");
    record.effectiveDate = date;
  }
  if ('futures' in line) {
    const futures = readFutures(line.futures, now);
    if (typeof futures === 'string') return fail(futures);
    record.futures = futures;
  }
  return { kind: 'record', record, layout };
}

function readHeader(line: Record<string, unknown>): ImportLine {
  if (line.mode !== 'UPDATE') return { kind: 'error', message: "Only 'mode': 'UPDATE' is supported." };
  // The prose says "location", the RAML example "locationId": both are accepted (docs/oci.md).
  const location = line.location ?? line.locationId;
  const extra = Object.keys(line).find((key) => !['mode', 'location', 'locationId'].includes(key));
  if (extra !== undefined) return { kind: 'error', message: `'${extra}' is not a field of a header line.` };
  if (!isLocationId(location)) {
    return { kind: 'error', message: "A header line needs 'location': 2-128 letters, digits, '-' or '_'." };
  }
  return { kind: 'header', location };
}

function readFutures(value: unknown, now: Date): readonly OciFuture[] | null | string {
  if (value === null) return null;
  if (!Array.isArray(value)) return "'futures' must be an array.";
  const futures: OciFuture[] = [];
  for (const [i, item] of value.entries()) {
    const future = item as Record<string, unknown> | null;
    if (future === null || typeof future !== 'object' || Array.isArray(future)) {
      return `'futures[${i}]' must be an object.`;
    }
    if (!isQuantity(future.quantity, 0.001)) {
      return `'futures[${i}].quantity' quantity must be a positive value with at most 3 decimals.`;
    }
    if (!isDateTime(future.expectedDate))
      return `'futures[${i}].expectedDate' must be an RFC 3339 date-time.`;
    if (Date.parse(future.expectedDate) <= now.getTime()) {
      return `'futures[${i}].expectedDate' must be in the future.`;
    }
    futures.push({ quantity: future.quantity, expectedDate: future.expectedDate });
  }
  return futures;
}

function own(line: Record<string, unknown>): string | undefined {
  return typeof line.locationId === 'string' ? line.locationId : undefined;
}

/** An OCI location id (spec §1.2): 2-128 letters, digits, "-" or "_". */
export function isLocationId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 2 && value.length <= 128 && LOCATION.test(value);
}

/** A quantity of the spec: a finite number ≥ min, a multiple of 0.001 (at most 3 decimals). */
export function isQuantity(value: unknown, min: number): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > 1e12) return false;
  return Math.abs(Math.round(value * 1000) - value * 1000) < 1e-6;
}

/** An RFC 3339 date-time that is a real instant. */
export function isDateTime(value: unknown): value is string {
  return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}
