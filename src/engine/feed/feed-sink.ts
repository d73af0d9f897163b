import type { StreamEndCode } from '../../domain/codes.js';
import type { FeedEntry } from './feed-entry.js';

/* The follower interface of the change feed: what the hub (feed-hub.ts) delivers to, and its options. */

/** Where the hub delivers a follower's entries (an SSE response, a webhook worker, the NATS relay…). */
export interface FeedSink {
  /** Entries in position order, each after the last one delivered; false when the follower is too far behind. */
  push(entries: readonly FeedEntry[]): boolean;
  /** The hub stops serving the follower: `too_slow` (push returned false) or `error`. */
  close(reason: StreamEndCode): void;
  /** Called once the follower has caught up and is served by the environment's live stream. */
  live?(): void;
  /**
   * The follower's position moved to `position` past entries its filter left out (after the entries
   * pushed, if any): a filtered follower learns how far the feed has gone, not only its last match.
   */
  progress?(position: number): void;
}

export interface FollowOptions {
  /**
   * False when the follower uses only the entries' changes (the in-memory stock view): its entries come
   * without `availability`, and the hub computes availability only while some follower needs it.
   */
  readonly availability?: boolean;
}

export interface FeedHubOptions {
  /** Entries read per page. */
  readonly pageSize: number;
  /** Scope states an environment's live stream keeps in memory (the rest are loaded again when needed). */
  readonly cacheScopes: number;
  readonly onError: (error: unknown) => void;
}
