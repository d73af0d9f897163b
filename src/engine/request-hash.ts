import * as crypto from 'node:crypto';
import { formatQty, MAX_INPUT_QTY, parseQty, QTY_SCALE } from '../domain/quantity.js';
import { canonicalJson } from './body-hash.js';

/** The largest whole number of units a request may give (MAX_INPUT_QTY in units). */
const MAX_WHOLE_INPUT = Number(MAX_INPUT_QTY / 10n ** BigInt(QTY_SCALE));

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
  return sha256(canonicalText(input, 'plain') ?? '');
}

type OneShot = (algorithm: string, data: string, encoding: 'base64url') => string;
/** crypto.hash (Node 20.12 and later): a one-shot digest, half the cost of a Hash object for short texts. */
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** SHA-256 of the text's UTF-8 bytes, base64url (the same digest either way). */
function sha256(text: string): string {
  if (oneShot) return oneShot('sha256', text, 'base64url');
  return crypto.createHash('sha256').update(text).digest('base64url');
}

type Mode = 'plain' | 'dated' | 'quantities' | 'measures' | 'quantity' | 'name' | 'instant';

/**
 * The normalised request as JSON text with sorted keys, written in one pass: byte for byte what
 * body-hash.ts's canonicalJson gives for the normalised copy (keys lower-cased, null fields dropped,
 * quantities, names and instants normalised), so hashes recorded before stay valid
 * (test/engine/request-hash.test.ts checks both against each other). Undefined where JSON writes
 * nothing (a function, undefined).
 */
function canonicalText(value: unknown, mode: Mode): string | undefined {
  if (mode === 'quantity') return JSON.stringify(quantityText(value));
  if (mode === 'name')
    return typeof value === 'string' ? JSON.stringify(value.trim().toLowerCase()) : raw(value);
  if (mode === 'instant') return raw(instantText(value));
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      text += canonicalText(value[i], 'plain') ?? 'null';
    }
    return `${text}]`;
  }
  if (value === null || typeof value !== 'object') return raw(value);
  // Fields as [name, text] pairs in arrival order (no Map: this runs for every item of every write).
  const fields: [string, string | undefined][] = [];
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === null || item === undefined) continue; // a null field means the same as an absent one
    const lower = key.toLowerCase();
    // An own "__proto__" field was never part of the normalised copy (assigning it set a prototype).
    if (lower === '__proto__') continue;
    // quantityByDate is the older spelling of quantitiesByDate (change schedules, spec §3.3).
    const name = lower === 'quantitybydate' ? 'quantitiesbydate' : lower;
    fields.push([name, canonicalText(item, childMode(mode, lower))]);
  }
  let text = '{';
  for (const [name, item] of jsonFieldOrder(fields)) {
    if (item === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${quoted(name)}:${item}`;
  }
  return `${text}}`;
}

/** A value kept as sent, in canonicalJson's form. */
function raw(value: unknown): string | undefined {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return canonicalJson(value);
}

const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * The fields in the order JSON.stringify writes the keys of an object built from sorted keys:
 * integer-like keys (array indexes) first, in numeric order, then the others sorted by UTF-16 code
 * units. A name given twice keeps its last value (as assigning it twice would) at its sorted place.
 */
function jsonFieldOrder(fields: [string, string | undefined][]): [string, string | undefined][] {
  // Stable sort: of names given twice, the later one comes last and wins below.
  fields.sort(byName);
  let unique = fields;
  for (let i = 1; i < fields.length; i++) {
    if ((fields[i] as [string, unknown])[0] === (fields[i - 1] as [string, unknown])[0]) {
      unique = fields.filter(
        (f, j) => j === fields.length - 1 || (fields[j + 1] as [string, unknown])[0] !== f[0],
      );
      break;
    }
  }
  if (!unique.some(([name]) => isIndex(name))) return unique;
  const indexes = unique.filter(([name]) => isIndex(name)).sort((a, b) => Number(a[0]) - Number(b[0]));
  return [...indexes, ...unique.filter(([name]) => !isIndex(name))];
}

function byName(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function isIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && INDEX.test(key) && Number(key) < 2 ** 32 - 1;
}

/** Quoted field names seen before (a few dozen in practice; bounded so odd requests cannot grow it). */
const QUOTED = new Map<string, string>();

function quoted(name: string): string {
  let text = QUOTED.get(name);
  if (text === undefined) {
    text = JSON.stringify(name);
    if (QUOTED.size < 256) QUOTED.set(name, text);
  }
  return text;
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
  // A whole number within the input range reads as itself (what formatQty(parseQty(value)) gives).
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= MAX_WHOLE_INPUT)
    return String(value);
  try {
    return formatQty(parseQty(value, ''));
  } catch {
    return `invalid:${typeof value}:${String(value)}`;
  }
}
