import { formatQty, parseQty } from '../domain/quantity.js';
import { bodyHash } from './body-hash.js';

/** Fields whose value is a quantity, compared as exact decimals ("10", 10 and 10.0 are one value). */
const QUANTITY_FIELDS = new Set(['quantity', 'offsetqty']);
/** Fields whose value is an instant, compared as the instant they name (any offset, any precision). */
const INSTANT_FIELDS = new Set(['expiresat', 'modifieddatetimeutc']);
/** Fields whose value is a name, compared case-insensitively. */
const NAME_FIELDS = new Set(['dimensiondatasource', 'quantitydatasource', 'modifier']);

/**
 * Hash of a write request as the client sent it, for idempotency (design.md rule 2). It does not
 * depend on the environment's configuration, so a retry after a configuration change is still
 * recognised as a retry. Keys, data source, measure and dimension names are compared
 * case-insensitively, quantities as exact decimals, instants as the instant they name, and a null
 * field as an absent one; ids and dimension values exactly.
 */
export function requestHash(input: unknown): string {
  return bodyHash(canonical(input, 'plain'));
}

type Mode = 'plain' | 'dated' | 'quantities' | 'measures' | 'quantity' | 'name' | 'instant';

function canonical(value: unknown, mode: Mode): unknown {
  if (mode === 'quantity') return quantityText(value);
  if (mode === 'name') return typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (mode === 'instant') return instantText(value);
  if (Array.isArray(value)) return value.map((item) => canonical(item, 'plain'));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue; // a null field means the same as an absent one
    const lower = key.toLowerCase();
    // quantityByDate is the older spelling of quantitiesByDate (change schedules, spec §3.3).
    out[lower === 'quantitybydate' ? 'quantitiesbydate' : lower] = canonical(item, childMode(mode, lower));
  }
  return out;
}

function childMode(mode: Mode, key: string): Mode {
  if (mode === 'dated') return 'quantities';
  if (mode === 'quantities') return 'measures';
  if (mode === 'measures') return 'quantity';
  if (key === 'quantities') return 'quantities';
  if (key === 'quantitiesbydate' || key === 'quantitybydate') return 'dated';
  if (QUANTITY_FIELDS.has(key)) return 'quantity';
  if (NAME_FIELDS.has(key)) return 'name';
  if (INSTANT_FIELDS.has(key)) return 'instant';
  return 'plain';
}

function instantText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  // Without an offset the instant is UTC (as modifiedDateTimeUTC is read).
  const zoned = /(?:z|[+-]\d{2}:?\d{2})$/i.test(text) || text.length <= 10 ? text : `${text}Z`;
  const millis = Date.parse(zoned);
  return Number.isNaN(millis) ? text : new Date(millis).toISOString();
}

function quantityText(value: unknown): string {
  try {
    return formatQty(parseQty(value, ''));
  } catch {
    return `invalid:${typeof value}:${String(value)}`;
  }
}
