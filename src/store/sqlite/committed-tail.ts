import type { FeedRowText } from '../ledger-codec.js';
import type { LedgerParams } from './row-mapping.js';

/**
 * The ledger rows this store committed last (docs/feed.md, "How it works"), kept as the rows a read of
 * the file would give (the same texts, decoded by the same toFeedRecord), for as long as they are every
 * row of the file after some seq: a commit of this store whose first seq is not the one after the last
 * kept (another process or connection wrote the file in between) starts the tail again. A read of the
 * feed after a seq the tail covers takes its rows from here and reads the file only after the tail's
 * last seq (where another process may have written since), so it answers what a read of the file would.
 *
 * It is bounded by rows and by characters (a partition clean-up's entry lists every row it deleted, so
 * a few rows can be large): the oldest rows go first. It relies on the ledger's seq never being reused
 * (`seq INTEGER PRIMARY KEY AUTOINCREMENT`, sqlite/schema.ts): were the newest rows deleted and their
 * seqs given again to another process's rows, a commit of this store could seem to follow its tail.
 */
export class CommittedTail {
  /** Every row of the file with a seq in (#from, #last] is in #rows, in seq order; #last < 0: none. */
  #from = -1;
  #last = -1;
  #rows: FeedRowText[] = [];
  #start = 0;
  /** The characters of the texts of the rows kept (from #start). */
  #chars = 0;

  constructor(
    private readonly max: number,
    private readonly maxChars: number,
  ) {}

  /** Rows of one commit of this store, in seq order. */
  add(rows: readonly FeedRowText[]): void {
    for (const row of rows) {
      const seq = Number(row.seq);
      if (this.#last < 0 || seq !== this.#last + 1) {
        this.#rows = [];
        this.#start = 0;
        this.#chars = 0;
        this.#from = seq - 1;
      }
      this.#rows.push(row);
      this.#chars += charsOf(row);
      this.#last = seq;
    }
    while (
      this.#start < this.#rows.length &&
      (this.#rows.length - this.#start > this.max || this.#chars > this.maxChars)
    ) {
      const dropped = this.#rows[this.#start] as FeedRowText;
      this.#chars -= charsOf(dropped);
      this.#from = Number(dropped.seq);
      // Released at once (a dropped row may be large); the slot itself goes at the next compaction.
      (this.#rows as (FeedRowText | undefined)[])[this.#start] = undefined;
      this.#start++;
    }
    // The emptied slots go now and then, not at every commit.
    if (this.#start > 0 && this.#start * 2 >= this.#rows.length) {
      this.#rows = this.#rows.slice(this.#start);
      this.#start = 0;
    }
  }

  /** Drops the rows of an environment whose entries were deleted: the file no longer holds them. */
  forget(environmentId: string): void {
    this.#rows = this.#rows.slice(this.#start).filter((row) => row.environment_id !== environmentId);
    this.#start = 0;
    this.#chars = this.#rows.reduce((n, row) => n + charsOf(row), 0);
  }

  /**
   * The kept rows of `environmentId` after `after`, at most `limit`, and the seq through which the file
   * holds no other row of it; undefined when the tail does not reach back to `after`.
   */
  read(
    environmentId: string,
    after: number,
    limit: number,
  ): { rows: FeedRowText[]; through: number } | undefined {
    if (this.#last < 0 || after < this.#from) return undefined;
    const rows: FeedRowText[] = [];
    let i = this.firstAfter(after);
    for (; i < this.#rows.length && rows.length < limit; i++) {
      const row = this.#rows[i] as FeedRowText;
      if (row.environment_id === environmentId) rows.push(row);
    }
    const through = rows.length < limit ? this.#last : Number(rows[rows.length - 1]?.seq);
    return { rows, through: Math.max(through, after) };
  }

  /** Index of the first kept row with a seq above `after` (binary search). */
  private firstAfter(after: number): number {
    let low = this.#start;
    let high = this.#rows.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (Number(this.#rows[mid]?.seq) <= after) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

const charsOf = (row: FeedRowText): number =>
  row.request.length + row.outcome.length + row.changes.length + (row.event_id?.length ?? 0);

/** The row a feed read gives for an entry inserted with `params` at `seq` (feed-statements.ts FEED_COLUMNS). */
export function feedRow(seq: number, params: LedgerParams): FeedRowText {
  const [environmentId, partitionId, family, eventId, bodyHash, kind, recordedAt, request] = params;
  const [, , , , , , , , outcome, changes, reference, clientId, fedAt, format] = params;
  return {
    seq,
    environment_id: environmentId,
    partition_id: partitionId,
    family,
    event_id: eventId,
    body_hash: bodyHash,
    kind,
    recorded_at: recordedAt,
    request,
    outcome,
    changes,
    reference,
    client_id: clientId,
    format,
    position: seq,
    fed_at: fedAt,
  };
}
