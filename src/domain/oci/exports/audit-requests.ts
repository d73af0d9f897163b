import { fail } from '../../codes.js';
import { checkSku } from '../oci-ids.js';
import { checkOciId } from '../reservation-request.js';

/** A reservations export request (spec §4.6), checked: dates as ISO-8601 UTC. */
export interface ReservationsRequest {
  readonly fromDate: string;
  /** null: until the export was asked for. */
  readonly toDate: string | null;
  readonly status: 'open' | 'closed';
}

/** An event log export request (spec §4.5), checked: a window of at most 30 days, at most 10 places. */
export interface EventLogRequest {
  readonly sku: string;
  readonly startsOn: string;
  readonly endsOn: string;
  readonly locations: readonly string[];
  readonly groups: readonly string[];
}

const DAY_MS = 24 * 3600 * 1000;
/** The longest event log window (spec §4.5: "cannot be bigger than 30 days from the startsOn date"). */
export const EVENT_LOG_WINDOW_MS = 30 * DAY_MS;
/** The most locations and groups an event log export names together (spec §4.5). */
export const EVENT_LOG_MAX_PLACES = 10;

type Json = Record<string, unknown>;

function object(body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    fail('invalid_type', '', 'The body is a JSON object.');
  return body as Json;
}

function only(body: Json, fields: readonly string[]): void {
  for (const key of Object.keys(body))
    if (!fields.includes(key))
      fail('unknown_field', `/${key}`, `The field '${key}' is not one of ${fields.join(', ')}.`);
}

/**
 * An ISO date ("2026-12-03", midnight UTC; with `endOfDay`, the last millisecond of that day) or an
 * RFC 3339 date-time with its offset, as ISO-8601 UTC.
 */
export function isoInstant(value: unknown, path: string, endOfDay = false): string {
  if (value === undefined)
    fail('invalid_request', path, `The field '${path.slice(1)}' is missing from the request body.`);
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const t = Date.parse(`${value}T00:00:00.000Z`);
      if (!Number.isNaN(t)) return new Date(endOfDay ? t + DAY_MS - 1 : t).toISOString();
    } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) {
      const t = Date.parse(value);
      if (!Number.isNaN(t)) return new Date(t).toISOString();
    }
  }
  return fail(
    'invalid_datetime',
    path,
    `'${path.slice(1)}' is an ISO date (2026-12-03) or date-time with its offset.`,
  );
}

/** Checks a reservations export body `{fromDate, toDate?, status: "open" | "closed"}`. */
export function parseReservationsExport(body: unknown): ReservationsRequest {
  const b = object(body);
  only(b, ['fromDate', 'toDate', 'status']);
  const fromDate = isoInstant(b.fromDate, '/fromDate');
  const toDate = b.toDate === undefined ? null : isoInstant(b.toDate, '/toDate', true);
  if (b.status !== 'open' && b.status !== 'closed')
    fail('invalid_request', '/status', '\'status\' is "open" or "closed".');
  if (toDate !== null && toDate < fromDate)
    fail('oci_export_window', '/toDate', "'toDate' lies before 'fromDate'.");
  return { fromDate, toDate, status: b.status };
}

/** Checks an event log export body `{sku, startsOn, endsOn?, locations?, groups?}`. */
export function parseEventLogExport(body: unknown): EventLogRequest {
  const b = object(body);
  only(b, ['sku', 'startsOn', 'endsOn', 'locations', 'groups']);
  if (b.sku === undefined)
    fail('invalid_request', '/sku', "The field 'sku' is missing from the request body.");
  const sku = checkSku(b.sku, '/sku');
  const startsOn = isoInstant(b.startsOn, '/startsOn');
  const endsOn =
    b.endsOn === undefined
      ? new Date(Date.parse(startsOn) + EVENT_LOG_WINDOW_MS).toISOString()
      : isoInstant(b.endsOn, '/endsOn', true);
  if (endsOn < startsOn) fail('oci_export_window', '/endsOn', "'endsOn' lies before 'startsOn'.");
  if (Date.parse(endsOn) - Date.parse(startsOn) > EVENT_LOG_WINDOW_MS)
    fail('oci_export_window', '/endsOn', "'endsOn' is at most 30 days after 'startsOn'.");
  const ids = (key: 'locations' | 'groups') => {
    const v = b[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) fail('invalid_type', `/${key}`, `'${key}' is a list of ids.`);
    return [...new Set(v.map((id, i) => checkOciId(id, `/${key}/${i}`)))];
  };
  const locations = ids('locations');
  const groups = ids('groups');
  if (locations.length + groups.length > EVENT_LOG_MAX_PLACES)
    fail('too_many_items', '/locations', 'At most 10 locations and groups together.');
  return { sku, startsOn, endsOn, locations, groups };
}
