import { formatQty, parseQty } from '../domain/quantity.js';
import { bodyHash } from './body-hash.js';

/** Fields whose value is a quantity, compared as exact decimals ("10", 10 and 10.0 are one value). */
const QUANTITY_FIELDS = new Set(['quantity', 'offsetqty']);
/** Fields whose value is a name, compared case-insensitively. */
const NAME_FIELDS = new Set(['dimensiondatasource', 'quantitydatasource', 'modifier']);

/**
 * Hash of a write request as the client sent it, for idempotency (design.md rule 2). It does not
 * depend on the environment's configuration, so a retry after a configuration change is still
 * recognised as a retry. Keys, data source, measure and dimension names are compared
 * case-insensitively and quantities as exact decimals; ids and dimension values exactly.
 */
export function requestHash(input: unknown): string {
  return bodyHash(canonical(input, 'plain'));
}

type Mode = 'plain' | 'quantities' | 'measures' | 'quantity' | 'name';

function canonical(value: unknown, mode: Mode): unknown {
  if (mode === 'quantity') return quantityText(value);
  if (mode === 'name') return typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (Array.isArray(value)) return value.map((item) => canonical(item, 'plain'));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const lower = key.toLowerCase();
    out[lower] = canonical(item, childMode(mode, lower));
  }
  return out;
}

function childMode(mode: Mode, key: string): Mode {
  if (mode === 'quantities') return 'measures';
  if (mode === 'measures') return 'quantity';
  if (key === 'quantities') return 'quantities';
  if (QUANTITY_FIELDS.has(key)) return 'quantity';
  if (NAME_FIELDS.has(key)) return 'name';
  return 'plain';
}

function quantityText(value: unknown): string {
  try {
    return formatQty(parseQty(value, ''));
  } catch {
    return `invalid:${typeof value}:${String(value)}`;
  }
}
