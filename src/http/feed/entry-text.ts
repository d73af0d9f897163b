import {
  type AvailabilityRecord,
  type FeedEntry,
  feedEntryJson,
  redactedEntryJson,
} from '../../engine/feed/feed-entry.js';
import type { LedgerChange } from '../../store/store.js';
import { RawJson, toJson } from '../json.js';

/*
 * A feed entry's JSON text: `toJson(feedEntryJson(entry))` (or, redacted, `toJson(redactedEntryJson(entry))`)
 * byte for byte, built without the intermediate objects. Changes and availability records of the shapes
 * the ledger decoder and the annotation make (their keys in their order) are written field by field, the
 * constant keys as literals and a dimension tuple with one JSON.stringify; any other shape goes through
 * toJson as before. Not kept per entry for the other followers (a WeakMap entry per feed entry made
 * garbage collection cost more than it saved; docs/benchmarks.md, "The feed hub's CPU per entry" and
 * "The live stream's CPU per entry").
 */

/** The entry's JSON as followers receive it; `redact`: as an availability-only client does (redactedEntryJson). */
export function entryText(entry: FeedEntry, redact = false): string {
  // Fields other than a string or null (never from the ledger) go through toJson, which leaves some out.
  if (
    !textOrNull(
      entry.kind,
      entry.eventId,
      entry.clientId,
      entry.recordedAt,
      entry.partitionId,
      entry.reference,
    )
  )
    return toJson(redact ? redactedEntryJson(entry) : feedEntryJson(entry));
  let out =
    `{"position":"${entry.position}","kind":${toJson(entry.kind)},` +
    `"eventId":${redact ? 'null' : toJson(entry.eventId)},"clientId":${redact ? 'null' : toJson(entry.clientId)},` +
    `"recordedAt":${toJson(entry.recordedAt)},"partitionId":${toJson(entry.partitionId)},` +
    `"reference":${redact ? 'null' : toJson(entry.reference)},"changes":[`;
  if (!redact) {
    const { changes } = entry;
    for (let i = 0; i < changes.length; i++) {
      if (i > 0) out += ',';
      out += changeText(changes[i] as LedgerChange);
    }
  }
  out += '],"availability":[';
  const { availability } = entry;
  for (let i = 0; i < availability.length; i++) {
    if (i > 0) out += ',';
    out += availabilityText(availability[i] as AvailabilityRecord);
  }
  return `${out}]}`;
}

/** A change's keys in the order the ledger decoder writes them (then `date`, then `created`, when set). */
const CHANGE_KEYS = ['organizationId', 'productId', 'dimensions', 'dataSource', 'measure', 'delta'];

/** toJson(change). */
function changeText(c: LedgerChange): string {
  if (
    !hasKeys(c, CHANGE_KEYS, 'date', 'created') ||
    !strings(c.organizationId, c.productId, c.dataSource, c.measure) ||
    !written(c.date) ||
    !written(c.created) ||
    typeof c.delta !== 'bigint' ||
    !isPlain(c.dimensions)
  )
    return toJson(c);
  let out =
    `{"organizationId":${toJson(c.organizationId)},"productId":${toJson(c.productId)},` +
    `"dimensions":${dimensionsText(c.dimensions)},"dataSource":${toJson(c.dataSource)},` +
    `"measure":${toJson(c.measure)},"delta":${toJson(c.delta)}`;
  if (c.date !== undefined) out += `,"date":${toJson(c.date)}`;
  if (c.created !== undefined) out += `,"created":${toJson(c.created)}`;
  return `${out}}`;
}

/** An availability record's keys in the order annotate.ts writes them (`indexSet` before `quantities`, when set). */
const RECORD_KEYS = ['organizationId', 'productId', 'partitionId', 'dimensions'];

/** toJson of the record without its `previous` (feedEntryJson). */
function availabilityText(record: AvailabilityRecord): string {
  if (
    !hasKeys(record, RECORD_KEYS, 'indexSet', 'quantities', 'previous') ||
    !strings(record.organizationId, record.productId, record.partitionId) ||
    !written(record.indexSet) ||
    !isPlain(record.dimensions) ||
    !(record.quantities === undefined || isPlain(record.quantities))
  )
    return genericRecordText(record);
  let out =
    `{"organizationId":${toJson(record.organizationId)},"productId":${toJson(record.productId)},` +
    `"partitionId":${toJson(record.partitionId)},"dimensions":${dimensionsText(record.dimensions)}`;
  if (record.indexSet !== undefined) out += `,"indexSet":${toJson(record.indexSet)}`;
  if (record.quantities !== undefined) out += `,"quantities":${quantitiesText(record.quantities)}`;
  return `${out}}`;
}

/** The record's own keys in order but `previous`, as feedEntryJson's `{ previous, ...rest }` leaves them. */
function genericRecordText(record: AvailabilityRecord): string {
  let out = '{';
  for (const key of Object.keys(record)) {
    if (key === 'previous') continue;
    const value: unknown = record[key as keyof typeof record];
    if (value === undefined || typeof value === 'function') continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${toJson(value)}`;
  }
  return `${out}}`;
}

/**
 * Whether the object's enumerable keys are `required` in order, then any of `optional` in their order
 * (for…in: no array of keys is made). The values are checked where they are written.
 */
function hasKeys(value: object, required: readonly string[], ...optional: string[]): boolean {
  let i = 0;
  let next = 0;
  for (const key in value) {
    if (i < required.length) {
      if (key !== required[i]) return false;
    } else {
      while (next < optional.length && optional[next] !== key) next++;
      if (next === optional.length) return false;
      next++;
    }
    i++;
  }
  return i >= required.length;
}

/** Whether every value is a string (which toJson writes as JSON.stringify does). */
function strings(...values: unknown[]): boolean {
  for (const value of values) if (typeof value !== 'string') return false;
  return true;
}

/** Whether every value is a string or null (written as such; toJson would leave out undefined). */
function textOrNull(...values: unknown[]): boolean {
  for (const value of values) if (value !== null && typeof value !== 'string') return false;
  return true;
}

/** An optional value written as it is, or left out when undefined: not a function (toJson leaves it out). */
function written(value: unknown): boolean {
  return typeof value !== 'function';
}

/** An object toJson writes key by key (not an array, not RawJson, no toJSON). */
function isPlain(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof RawJson) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** toJson of a dimension tuple: a plain object of strings, which JSON.stringify writes as toJson does. */
function dimensionsText(dimensions: Readonly<Record<string, string>>): string {
  for (const key in dimensions) if (typeof dimensions[key] !== 'string') return toJson(dimensions);
  return JSON.stringify(dimensions);
}

/** Quoted keys seen in measures (a few names, over and over). */
const quoted = new Map<string, string>();

function quote(key: string): string {
  let text = quoted.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quoted.size >= 1000) quoted.clear();
    quoted.set(key, text);
  }
  return text;
}

/** toJson of published measures by data source and measure. */
function quantitiesText(quantities: AvailabilityRecord['quantities']): string {
  let out = '{';
  for (const dataSource of Object.keys(quantities)) {
    const bag = quantities[dataSource];
    if (bag === undefined || typeof bag === 'function') continue;
    if (out.length > 1) out += ',';
    out += `${quote(dataSource)}:`;
    if (!isPlain(bag)) {
      out += toJson(bag);
      continue;
    }
    let inner = '{';
    for (const measure of Object.keys(bag)) {
      const value: unknown = bag[measure];
      if (value === undefined || typeof value === 'function') continue;
      if (inner.length > 1) inner += ',';
      inner += `${quote(measure)}:${toJson(value)}`;
    }
    out += `${inner}}`;
  }
  return `${out}}`;
}
