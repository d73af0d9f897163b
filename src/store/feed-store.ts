import type { SpanDelta } from '../domain/feed/span-sums.js';
import type { LedgerRecord, ScheduleRow, StockRow, StockSelector } from './store.js';

/**
 * The change feed's side of the Store port (docs/feed.md): every committed ledger entry gets a
 * **position**, a number that increases in the order entries became visible, so a reader asking for
 * everything after position P never misses an entry that commits later and never sees one twice.
 *
 * How a backend assigns positions is its own business, as long as these hold:
 * - A position is assigned only to a committed entry, at most once, and never reused.
 * - If entry A was visible before entry B committed, A's position is smaller than B's. In particular
 *   the entries of one lock key get positions in the order of their commits.
 * - `read` returns only entries that have a position, in position order, and once an entry with
 *   position p is readable every entry with a smaller position is readable too.
 *
 * SQLite commits one transaction at a time, so an entry's seq is its position. PostgreSQL commits
 * transactions in parallel: there a leased sequencer stamps positions after commit (postgres/feed/).
 */
export interface FeedStore {
  /**
   * Starts background work the feed needs in this process (PostgreSQL: the connection that listens for
   * new positions and, when it holds the lease, stamps them). Idempotent. Failures of that work (a lost
   * connection, retried) go to `onError`.
   */
  start(onError?: (error: unknown) => void): Promise<void>;
  /** Stops it; called by Store.close(). */
  stop(): Promise<void>;

  /** Entries of one environment with a position greater than `after`, in position order, at most `limit`. */
  read(environmentId: string, after: number, limit: number): Promise<FeedRecord[]>;
  /** The greatest position assigned so far in the whole database (0 when none). */
  head(): Promise<number>;
  /**
   * The greatest position of the environment whose entry entered the feed at or before `time`
   * (ISO-8601), or 0 when none did. Entry times increase with positions (see FeedRecord.fedAt).
   */
  positionAt(environmentId: string, time: string): Promise<number>;
  /**
   * The positions of the given ledger entries (by seq) of one environment; an entry without a position
   * yet (PostgreSQL: its commit is not stamped) is absent from the map.
   */
  positionsOf(environmentId: string, seqs: readonly number[]): Promise<Map<number, number>>;
  /**
   * Waits until every entry of the transactions up to commit `mark` (StoreTx.commitMark, or
   * RecordedEvent.commit) has a position, and resolves with a position at or after all of them; undefined
   * when that takes longer than `timeoutMs`.
   */
  settle(mark: number, timeoutMs: number): Promise<number | undefined>;
  /**
   * `settle` for every transaction committed before the call (in any process): after it, a read sees
   * every entry acknowledged before the call. Resolves with the head then, or undefined after `timeoutMs`.
   */
  settleAll(timeoutMs: number): Promise<number | undefined>;

  /**
   * Calls `listener` whenever new positions may have appeared (after a commit in this process, and on
   * PostgreSQL when the sequencer of any process stamped some). Returns a function that stops it.
   */
  watch(listener: () => void): () => void;

  /**
   * A consistent snapshot of one environment: the position it reflects exactly, and its stock rows and
   * scheduled changes matching `selector` (every row of the environment when null), pushed to `onPage`
   * page by page (with the position; at least once, with an empty page when there is nothing) within one
   * read snapshot. Resolves with the position once every page was handled.
   */
  snapshot(
    environmentId: string,
    selector: StockSelector | null,
    onPage: (page: SnapshotPage, position: number) => Promise<void>,
  ): Promise<number>;

  /**
   * Keeps a ticket (by the hash of its secret) that lets one request of `clientId` follow the
   * environment until `expiresAt`; removes expired ones on the way.
   */
  saveTicket(ticket: FeedTicket): Promise<void>;
  /** Takes a ticket out (so it works once) if it exists and has not expired at `now`. */
  takeTicket(ticketHash: string, now: string): Promise<FeedTicket | undefined>;

  /**
   * Takes the lease `name` for `owner` until `until` (ISO-8601), or renews it: succeeds when the lease
   * is free, expired at `now`, or already `owner`'s. Returns the lease's generation (it increases each
   * time the lease changes hands: a fencing token) or undefined when another owner holds it.
   */
  acquireLease(name: string, owner: string, until: string, now: string): Promise<number | undefined>;
  /** Gives the lease up if `owner` holds it. */
  releaseLease(name: string, owner: string): Promise<void>;

  /**
   * The net changes recorded by `writeSpan` for spans `fromSpan` … `toSpan` of the environment, for the
   * values `selector` picks (organizations, products, sites, locations), one per value and span, in
   * span order.
   */
  readSpans(
    environmentId: string,
    selector: StockSelector,
    fromSpan: number,
    toSpan: number,
  ): Promise<SpanDelta[]>;
  /**
   * Optional: from now on, sum in memory the checkpoint spans of `size` positions (SpanSums) from the
   * entries this store commits, so that `committedSpan` can answer them; 0 stops it. A store may do it
   * where an entry's position is known at its commit (SQLite). `onComplete` is called when a span may
   * have become complete, with the environments that had entries in it. One owner per store (the
   * checkpointer): a second call replaces the first's size and callback.
   */
  keepSpanSums?(size: number, onComplete?: (environmentIds: readonly string[]) => void): void;
  /**
   * Optional: the net changes of one span of the environment (SpanSums.deltas) summed in memory, when
   * this store committed every entry of the span while keeping span sums (no other process or
   * connection wrote an entry into it) and spans of `size` positions are summed; undefined otherwise
   * (read the entries back).
   */
  committedSpan?(environmentId: string, span: number, size: number): SpanDelta[] | undefined;
  /**
   * Optional: the net changes of one complete span of the environment (SpanSums.deltas of its entries in
   * position order, exactly what summing a read of the span gives), summed by the store its own way
   * (PostgreSQL: the entries of this process's commits held in memory without decoding them, the others
   * read back); undefined where the store has no such way (the caller reads the entries back).
   */
  sumSpan?(environmentId: string, span: number, size: number): Promise<SpanDelta[] | undefined>;
  /** Records the net changes of one span (idempotent: writing a span again changes nothing). */
  writeSpan(environmentId: string, span: number, deltas: readonly SpanDelta[]): Promise<void>;

  /** The last position a follower (a webhook, the NATS relay, …) has done, or undefined. */
  followerPosition(environmentId: string, followerId: string): Promise<number | undefined>;
  /** Records a follower's progress (only forward: a smaller position than the stored one is ignored). */
  saveFollowerPosition(environmentId: string, followerId: string, position: number): Promise<void>;
}

/** A committed ledger entry with its feed position. */
export interface FeedRecord extends LedgerRecord {
  readonly position: number;
  /**
   * When the entry entered the feed (ISO-8601): at its commit on SQLite, when it was stamped on
   * PostgreSQL. Never decreases as positions increase.
   */
  readonly fedAt: string;
}

/** A single-use ticket for following the feed (stored by the hash of its secret). */
export interface FeedTicket {
  readonly ticketHash: string;
  readonly environmentId: string;
  readonly clientId: string;
  readonly expiresAt: string;
}

/** The net change of one stored value (or scheduled value, with `date`) over a span of positions. */
export type { SpanDelta };

/** One page of a snapshot. */
export interface SnapshotPage {
  readonly stock: readonly StockRow[];
  readonly schedule: readonly ScheduleRow[];
}
