import { formatOf } from '../ledger-codec.js';
import { decodeOutcome } from '../ledger-format/entry-format.js';
import type { ProductScope, RecordedEvent } from '../store.js';

/** Row shapes and helpers shared by the PostgreSQL transactions (postgres-tx.ts, citus/citus-tx.ts). */

export interface EventDbRow {
  readonly event_id: string;
  readonly seq: string;
  readonly commit: string;
  readonly body_hash: string;
  readonly outcome: string;
  readonly format: number | null;
}

/** FIND_EVENTS rows by event id. */
export function recordedEvents(rows: readonly EventDbRow[]): Map<string, RecordedEvent> {
  const found = new Map<string, RecordedEvent>();
  for (const r of rows) {
    found.set(r.event_id, {
      seq: Number(r.seq),
      commit: Number(r.commit),
      bodyHash: r.body_hash,
      outcome: decodeOutcome(r.outcome, r.event_id, formatOf(r.format)),
    });
  }
  return found;
}

export function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The scope columns as three parallel arrays, for unnest. */
export function scopeColumns(scopes: readonly ProductScope[]): [string[], string[], string[]] {
  return [
    scopes.map((s) => s.organizationId),
    scopes.map((s) => s.productId),
    scopes.map((s) => s.partitionId),
  ];
}
