import { expect } from 'vitest';
import { dimensionsKey } from '../../../src/domain/dimensions.js';
import type { FeedRecord } from '../../../src/store/feed-store.js';
import type { LedgerEntry, Store } from '../../../src/store/store.js';
import { ENV } from './legacy-ledger.js';

/** What a reader of the ledger sees of an entry, whatever format stores it. */
export function seen(e: LedgerEntry) {
  return {
    partitionId: e.partitionId,
    family: e.family,
    eventId: e.eventId,
    bodyHash: e.bodyHash,
    kind: e.kind,
    recordedAt: e.recordedAt,
    request: e.request,
    outcome: e.outcome,
    changes: e.changes,
    reference: e.reference,
    clientId: e.clientId ?? null,
  };
}

/** Sum of every entry's deltas per stored value, against the stored state (non-zero values). */
export async function expectReplayEqualsState(
  store: Store,
  feed: readonly FeedRecord[],
  env = ENV,
): Promise<void> {
  const sums = new Map<string, bigint>();
  for (const entry of feed)
    for (const c of entry.changes) {
      if (c.date !== undefined) continue;
      const key = [c.organizationId, c.productId, dimensionsKey(c.dimensions), c.dataSource, c.measure].join(
        '|',
      );
      sums.set(key, (sums.get(key) ?? 0n) + c.delta);
    }
  const stored = new Map<string, bigint>();
  for (const r of await store.readStock(env, { organizationIds: ['usmf'] }))
    stored.set(
      [r.organizationId, r.productId, dimensionsKey(r.dimensions), r.dataSource, r.measure].join('|'),
      r.quantity,
    );
  expect(sums).toEqual(stored);
}
