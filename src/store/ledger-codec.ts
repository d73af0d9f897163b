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
    })),
  );
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
    changes: (JSON.parse(r.changes) as (Omit<LedgerChange, 'delta'> & { delta: string })[]).map((c) => ({
      ...c,
      delta: BigInt(c.delta),
    })),
    reference: r.reference,
  };
}
