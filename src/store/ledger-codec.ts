import type { FeedRecord } from './feed-store.js';
import { decodeChanges, decodeOutcome, type StoredTexts, storedTexts } from './ledger-format/entry-format.js';
import type { LedgerEntry, LedgerRecord } from './store.js';

/**
 * How every backend stores the ledger's JSON columns: the request as JSON text; the outcome and the
 * changes in the entry's format (ledger-format/entry-format.ts), which the row's `format` column names,
 * each delta the decimal text of its integer millionths so it reads back as the exact bigint.
 */

/** A ledger row as the backends store it (column names of the schema); `seq` as the driver returns it. */
export interface LedgerRowText {
  readonly seq: bigint | string | number;
  readonly environment_id: string;
  readonly partition_id: string;
  readonly family: string;
  readonly event_id: string | null;
  readonly body_hash: string;
  readonly kind: string;
  readonly recorded_at: string;
  readonly request: string;
  readonly outcome: string;
  readonly changes: string;
  readonly reference: string | null;
  readonly client_id: string | null;
  /** The entry's format: NULL (absent) for format 1. */
  readonly format?: bigint | string | number | null;
}

/** A ledger row read with its feed position and feed time. */
export interface FeedRowText extends LedgerRowText {
  readonly position: bigint | string | number;
  readonly fed_at: string;
}

/** JSON text of a JSON-compatible value; `undefined` becomes `null`. */
export function toJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** The request, outcome and changes texts and the format column of an entry written in `format`. */
export function entryTexts(e: LedgerEntry, format: 1 | 2): StoredTexts & { readonly request: string } {
  return { request: toJson(e.request), ...storedTexts(e, format) };
}

/** The `format` column as a number (null for format 1). */
export function formatOf(value: bigint | string | number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** The changes of a stored row (its changes and request texts, its format), deltas exact. */
export function rowChanges(
  changes: string,
  request: string | null,
  format: number | null,
): LedgerRecord['changes'] {
  return decodeChanges(changes, format === null || request === null ? null : JSON.parse(request), format);
}

/** Maps a stored ledger row back to the port's shape, JSON columns parsed and deltas exact. */
export function toLedgerRecord(r: LedgerRowText): LedgerRecord {
  const format = formatOf(r.format);
  const request = JSON.parse(r.request) as unknown;
  return {
    seq: Number(r.seq),
    environmentId: r.environment_id,
    partitionId: r.partition_id,
    family: r.family,
    eventId: r.event_id,
    bodyHash: r.body_hash,
    kind: r.kind,
    recordedAt: r.recorded_at,
    request,
    outcome: decodeOutcome(r.outcome, r.event_id, format),
    changes: decodeChanges(r.changes, request, format),
    reference: r.reference,
    clientId: r.client_id ?? null,
  };
}

/**
 * Maps a ledger row read with its position back to the port's FeedRecord (toLedgerRecord's fields, then
 * the position and feed time; built at once: the feed hub decodes thousands of rows a second).
 */
export function toFeedRecord(r: FeedRowText): FeedRecord {
  return toFeedRecordAt(r, Number(r.position), r.fed_at);
}

/** toFeedRecord of a ledger row whose position and feed time are known apart (postgres/feed/feed-read.ts). */
export function toFeedRecordAt(r: LedgerRowText, position: number, fedAt: string): FeedRecord {
  const format = formatOf(r.format);
  const request = JSON.parse(r.request) as unknown;
  return {
    seq: Number(r.seq),
    environmentId: r.environment_id,
    partitionId: r.partition_id,
    family: r.family,
    eventId: r.event_id,
    bodyHash: r.body_hash,
    kind: r.kind,
    recordedAt: r.recorded_at,
    request,
    outcome: decodeOutcome(r.outcome, r.event_id, format),
    changes: decodeChanges(r.changes, request, format),
    reference: r.reference,
    clientId: r.client_id ?? null,
    position,
    fedAt,
  };
}
