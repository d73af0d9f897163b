import type { FeedRecord } from './feed-store.js';
import type { LedgerChange, LedgerRecord } from './store.js';

/**
 * How every backend stores the JSON columns of the ledger: request and outcome as JSON text, and
 * changes as JSON with each delta written as the decimal text of its integer millionths, so it reads
 * back as the exact bigint.
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

/** JSON text of a ledger entry's changes, deltas exact. */
export function encodeChanges(changes: readonly LedgerChange[]): string {
  return JSON.stringify(
    changes.map((c) => ({
      organizationId: c.organizationId,
      productId: c.productId,
      dimensions: c.dimensions,
      dataSource: c.dataSource,
      measure: c.measure,
      delta: c.delta.toString(),
      ...(c.date === undefined ? {} : { date: c.date }),
      ...(c.created ? { created: true } : {}),
    })),
  );
}

/** Parses the changes column (encodeChanges), deltas exact. */
export function decodeChanges(text: string): LedgerChange[] {
  return (JSON.parse(text) as (Omit<LedgerChange, 'delta'> & { delta: string })[]).map((c) => ({
    ...c,
    delta: BigInt(c.delta),
  }));
}

/** Maps a stored ledger row back to the port's shape, JSON columns parsed and deltas exact. */
export function toLedgerRecord(r: LedgerRowText): LedgerRecord {
  return {
    seq: Number(r.seq),
    environmentId: r.environment_id,
    partitionId: r.partition_id,
    family: r.family,
    eventId: r.event_id,
    bodyHash: r.body_hash,
    kind: r.kind,
    recordedAt: r.recorded_at,
    request: JSON.parse(r.request) as unknown,
    outcome: JSON.parse(r.outcome) as unknown,
    changes: decodeChanges(r.changes),
    reference: r.reference,
    clientId: r.client_id ?? null,
  };
}

/** Maps a ledger row read with its position back to the port's FeedRecord. */
export function toFeedRecord(r: FeedRowText): FeedRecord {
  return { ...toLedgerRecord(r), position: Number(r.position), fedAt: r.fed_at };
}
