import type { Dimensions } from '../../domain/dimensions.js';
import type { LevelQuantities } from '../../domain/feed/scope-state.js';
import type { FeedRecord } from '../../store/feed-store.js';
import type { LedgerChange } from '../../store/store.js';

/** The published measures of one product in one partition at one level, after an entry's change. */
export interface AvailabilityRecord {
  readonly organizationId: string;
  readonly productId: string;
  readonly partitionId: string;
  /** The level: the full dimension tuple of a change, or its cut to an index set (scope-state.levelsOf). */
  readonly dimensions: Dimensions;
  /** Set for an index set's level: its setNumber; absent for the full tuple. */
  readonly indexSet?: number;
  readonly quantities: LevelQuantities;
  /** The same measures before the change (for threshold filters; not served). */
  readonly previous: LevelQuantities;
}

/** One entry of the change feed as followers receive it (docs/feed.md). */
export interface FeedEntry {
  readonly position: number;
  readonly kind: string;
  readonly eventId: string | null;
  readonly clientId: string | null;
  readonly recordedAt: string;
  readonly partitionId: string;
  readonly reference: string | null;
  readonly changes: readonly LedgerChange[];
  readonly availability: readonly AvailabilityRecord[];
  /**
   * The entry's normalised request (in-process followers only, never served: the in-memory views read
   * a count's time and the OCI safety stock and segmentation changes from it).
   */
  readonly request?: unknown;
}

/** A ledger record as a feed entry, with the availability computed for it. */
export function toFeedEntry(record: FeedRecord, availability: readonly AvailabilityRecord[]): FeedEntry {
  return {
    position: record.position,
    kind: record.kind,
    eventId: record.eventId,
    clientId: record.clientId,
    recordedAt: record.recordedAt,
    partitionId: record.partitionId,
    reference: record.reference,
    changes: record.changes,
    availability,
    request: record.request,
  };
}

/** The JSON a follower receives: positions as strings (opaque), without the internal `previous`. */
export function feedEntryJson(entry: FeedEntry): Record<string, unknown> {
  return {
    position: String(entry.position),
    kind: entry.kind,
    eventId: entry.eventId,
    clientId: entry.clientId,
    recordedAt: entry.recordedAt,
    partitionId: entry.partitionId,
    reference: entry.reference,
    changes: entry.changes,
    availability: entry.availability.map(({ previous: _previous, ...rest }) => rest),
  };
}

/** An entry's JSON for an availability-only client: no event id, client id, reference or deltas. */
export function redactedEntryJson(entry: FeedEntry): Record<string, unknown> {
  return { ...feedEntryJson(entry), eventId: null, clientId: null, reference: null, changes: [] };
}
