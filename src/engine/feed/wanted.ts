import { type FeedFilter, mayPass, passesAllScopes } from '../../domain/feed/feed-filter.js';
import type { FeedRecord } from '../../store/feed-store.js';

/* Which entries of a page the feed hub (feed-hub.ts) computes availability for. */

/** Which entries need availability: all, none, or those some follower's filter may let through. */
export type Wanted = 'all' | 'none' | ((record: FeedRecord) => boolean);

/**
 * The entries the followers need availability for: those that may pass the filter of a follower that
 * takes availability (its threshold needs the availability to tell). Entries no such follower would
 * receive are not annotated, so a stream whose followers watch a few products does not compute (nor
 * load) the availability of every product an ingest touches.
 */
export function wantedBy(
  followers: Iterable<{ readonly availability: boolean; readonly filter: FeedFilter }>,
): Wanted {
  const filters: FeedFilter[] = [];
  for (const follower of followers) {
    if (!follower.availability) continue;
    if (passesAllScopes(follower.filter)) return 'all';
    filters.push(follower.filter);
  }
  if (filters.length === 0) return 'none';
  return (record) => filters.some((filter) => mayPass(filter, record));
}
