import type { StoreTx } from '../store/store.js';
import { conflict, type ItemOutcome, outcomeFromLedger } from './outcome.js';

/**
 * Identifies an event for idempotency: ids are unique per (environment, family), or per (environment,
 * family, partition) where the store places data by partition (PostgreSQL on Citus).
 */
export interface EventRef {
  readonly environmentId: string;
  readonly family: string;
  readonly eventId: string;
  /** The partition the event writes to, when known (lets such a store search that partition only). */
  readonly partitionId?: string | undefined;
}

interface Known {
  readonly hash: string;
  readonly outcome: ItemOutcome;
}

/**
 * Idempotency inside one batch (design.md rule 2): knows the event ids already in the ledger and those
 * accepted earlier in the batch. A known id with the same body hash replays its first outcome; with
 * another body it is a conflict. Either way nothing is applied.
 */
export class EventRegistry {
  private constructor(private readonly known: Map<string, Known>) {}

  /**
   * Looks up every referenced event id in the ledger, one query per (environment, family), naming the
   * partitions of the events when every ref of the group has one.
   */
  static async load(tx: StoreTx, refs: readonly EventRef[]): Promise<EventRegistry> {
    const groups = new Map<
      string,
      { environmentId: string; family: string; ids: Set<string>; partitions: Set<string> | undefined }
    >();
    for (const ref of refs) {
      const groupKey = `${ref.environmentId}\u0000${ref.family}`;
      const group = groups.get(groupKey) ?? {
        environmentId: ref.environmentId,
        family: ref.family,
        ids: new Set(),
        partitions: new Set(),
      };
      group.ids.add(ref.eventId);
      if (ref.partitionId === undefined) group.partitions = undefined;
      else group.partitions?.add(ref.partitionId);
      groups.set(groupKey, group);
    }
    const known = new Map<string, Known>();
    // Every group is looked up at once: on PostgreSQL the lookups share one round trip.
    const lookups = [...groups.values()].map(async ({ environmentId, family, ids, partitions }) => ({
      environmentId,
      family,
      found: await tx.findEvents(environmentId, family, [...ids], partitions && [...partitions]),
    }));
    for (const { environmentId, family, found } of await Promise.all(lookups)) {
      for (const [eventId, recorded] of found) {
        known.set(key(environmentId, family, eventId), {
          hash: recorded.bodyHash,
          outcome: { ...outcomeFromLedger(recorded.outcome), commitMark: recorded.commit },
        });
      }
    }
    return new EventRegistry(known);
  }

  /** The outcome to return for an already-known id (replay or conflict), or undefined for a new one. */
  check(environmentId: string, family: string, eventId: string, hash: string): ItemOutcome | undefined {
    const known = this.known.get(key(environmentId, family, eventId));
    if (!known) return undefined;
    return known.hash === hash ? { ...known.outcome, replayed: true } : conflict(eventId);
  }

  /** Records an id accepted in this batch. */
  remember(environmentId: string, family: string, eventId: string, hash: string, outcome: ItemOutcome): void {
    this.known.set(key(environmentId, family, eventId), { hash, outcome });
  }
}

function key(environmentId: string, family: string, eventId: string): string {
  return `${environmentId}\u0000${family}\u0000${eventId}`;
}

export { jsonSafe } from './outcome.js';
