import type Database from 'better-sqlite3';
import type { FeedRecord, FeedStore, FeedTicket, SnapshotPage, SpanDelta } from '../feed-store.js';
import { type FeedRowText, toFeedRecord } from '../ledger-codec.js';
import { latestPositionAt } from '../position-search.js';
import type { LedgerEntry } from '../records.js';
import type { StockSelector } from '../store.js';
import { CommittedSpans } from './committed-spans.js';
import { CommittedTail } from './committed-tail.js';
import { openReadConnection } from './connections.js';
import { SqliteFeedFollowers } from './feed-followers.js';
import { type FeedStatements, prepareFeedStatements } from './feed-statements.js';
import { SqliteReader } from './sqlite-reader.js';

/** A page of a full snapshot: this many stock rows (and as many scheduled values) at a time. */
const SNAPSHOT_PAGE = 2000;
/** How often the feed looks for entries written by another process (an `onhand import`, say). */
const POLL_MS = 1000;
/** Ledger rows of its own last commits the feed keeps to answer reads from memory (committed-tail.ts). */
const TAIL_ROWS = 8192;
/** …and at most this many characters of their texts (a clean-up's entry lists every row it deleted). */
const TAIL_CHARS = 8 * 1024 * 1024;

/** What SqliteFeed needs from its store. */
export interface SqliteFeedDeps {
  readonly file: string;
  readonly reader: SqliteReader;
  readonly readerDb: Database.Database;
  /** Runs a small write on the writer connection, queued behind open transactions. */
  readonly write: (task: (db: Database.Database) => void) => Promise<void>;
  readonly clock: () => Date;
}

/**
 * The change feed of SqliteStore. Transactions commit one at a time, so positions are seqs and an entry
 * is in the feed the moment its transaction commits: `settle` resolves at once. `notify` is called by
 * the store after each commit that appended entries; a slow poll also notices entries written by other
 * processes on the same file.
 */
export class SqliteFeed implements FeedStore {
  readonly #deps: SqliteFeedDeps;
  readonly #listeners = new Set<() => void>();
  #sql: FeedStatements | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastHead = -1;
  /** The shared head read of the calls to `settleAll` made in this turn of the event loop. */
  #pendingHead: Promise<number> | undefined;
  #settleChecks = 0;
  readonly #tail = new CommittedTail(TAIL_ROWS, TAIL_CHARS);
  readonly #spans = new CommittedSpans();
  #tailReads = 0;
  readonly #followers: SqliteFeedFollowers;

  constructor(deps: SqliteFeedDeps) {
    this.#deps = deps;
    this.#followers = new SqliteFeedFollowers({ ...deps, sql: () => this.sql() });
  }

  async start(_onError?: (error: unknown) => void): Promise<void> {
    if (this.#timer) return;
    this.#lastHead = await this.head();
    this.#timer = setInterval(() => this.poll(), POLL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
  }

  /**
   * Called by the store after a commit that appended ledger entries: `rows`, in seq order, and the
   * entries they store, in the same order.
   */
  committed(rows: readonly FeedRowText[], entries: readonly LedgerEntry[]): void {
    this.#tail.add(rows);
    this.#spans.add(
      rows.map((row) => Number(row.seq)),
      entries,
    );
    this.notify();
  }

  /**
   * Sums the spans this store commits in memory from now on (committed-spans.ts); 0 stops. One owner
   * per store (the checkpointer): a second call replaces the first's size and callback.
   */
  keepSpanSums(size: number, onComplete?: (environmentIds: readonly string[]) => void): void {
    this.#spans.keep(size, onComplete);
  }

  committedSpan(environmentId: string, span: number, size: number): SpanDelta[] | undefined {
    return this.#spans.take(environmentId, span, size);
  }

  /** Drops what is kept in memory of an environment whose entries were deleted. */
  forget(environmentId: string): void {
    this.#tail.forget(environmentId);
    this.#spans.forget(environmentId);
  }

  /** Tells the watchers that new entries may be readable. */
  notify(): void {
    for (const listener of this.#listeners) listener();
  }

  watch(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** From the rows of this store's last commits (committed-tail.ts) as far as they reach, then the file. */
  async read(environmentId: string, after: number, limit: number): Promise<FeedRecord[]> {
    const kept = this.#tail.read(environmentId, after, limit);
    if (!kept) return this.sql().read.all(environmentId, after, limit).map(toFeedRecord);
    this.#tailReads++;
    const records = kept.rows.map(toFeedRecord);
    if (records.length < limit)
      for (const row of this.sql().read.all(environmentId, kept.through, limit - records.length))
        records.push(toFeedRecord(row));
    return records;
  }

  /** Reads answered from the committed tail so far (tests, metrics). */
  get tailReads(): number {
    return this.#tailReads;
  }

  async head(): Promise<number> {
    return Number(this.sql().head.get()?.head ?? 0);
  }

  /** Transactions commit one at a time here, so an entry's position is its seq. */
  async positionsOf(_environmentId: string, seqs: readonly number[]): Promise<Map<number, number>> {
    return new Map(seqs.map((seq) => [seq, seq]));
  }

  async positionAt(environmentId: string, time: string): Promise<number> {
    const first = this.sql().firstFrom;
    const head = await this.head();
    return latestPositionAt(time, head, async (from) => {
      const row = first.get(environmentId, from);
      return row && { position: Number(row.seq), fedAt: row.fed_at };
    });
  }

  async settle(mark: number): Promise<number | undefined> {
    return mark;
  }

  /**
   * The head, read once for every call made in the same turn of the event loop: the read runs after
   * all of them (setImmediate), so it sees every commit acknowledged before any of them, this
   * process's and another process's on the same file alike (docs/storefront.md). At 64 clients one
   * read serves the queries parsed together instead of one read (a WAL read transaction) each.
   */
  async settleAll(): Promise<number | undefined> {
    this.#pendingHead ??= new Promise<number>((resolve, reject) => {
      setImmediate(() => {
        // Calls made from here on are after this read: they share the next one.
        this.#pendingHead = undefined;
        this.#settleChecks++;
        try {
          resolve(Number(this.sql().head.get()?.head ?? 0));
        } catch (error) {
          reject(error);
        }
      });
    });
    return this.#pendingHead;
  }

  /** Head reads made for `settleAll` so far (tests, metrics): far fewer than calls when calls come together. */
  get settleChecks(): number {
    return this.#settleChecks;
  }

  async snapshot(
    environmentId: string,
    selector: StockSelector | null,
    onPage: (page: SnapshotPage, position: number) => Promise<void>,
  ): Promise<number> {
    if (selector !== null) {
      // Small and synchronous: one read transaction on the shared reader connection.
      const { position, page } = this.#deps.reader.inSnapshot(() => ({
        position: Number(this.sql().head.get()?.head ?? 0),
        page: {
          stock: this.#deps.reader.readStock(environmentId, selector),
          schedule: this.#deps.reader.readSchedule(environmentId, selector, null),
        },
      }));
      await onPage(page, position);
      return position;
    }
    return this.fullSnapshot(environmentId, onPage);
  }

  saveTicket(ticket: FeedTicket): Promise<void> {
    return this.#followers.saveTicket(ticket);
  }

  takeTicket(ticketHash: string, now: string): Promise<FeedTicket | undefined> {
    return this.#followers.takeTicket(ticketHash, now);
  }

  acquireLease(name: string, owner: string, until: string, now: string): Promise<number | undefined> {
    return this.#followers.acquireLease(name, owner, until, now);
  }

  releaseLease(name: string, owner: string): Promise<void> {
    return this.#followers.releaseLease(name, owner);
  }

  readSpans(env: string, selector: StockSelector, fromSpan: number, toSpan: number): Promise<SpanDelta[]> {
    return this.#followers.readSpans(env, selector, fromSpan, toSpan);
  }

  writeSpan(environmentId: string, span: number, deltas: readonly SpanDelta[]): Promise<void> {
    return this.#followers.writeSpan(environmentId, span, deltas);
  }

  followerPosition(environmentId: string, followerId: string): Promise<number | undefined> {
    return this.#followers.followerPosition(environmentId, followerId);
  }

  saveFollowerPosition(environmentId: string, followerId: string, position: number): Promise<void> {
    return this.#followers.saveFollowerPosition(environmentId, followerId, position);
  }

  /** Every row of the environment, page by page, on a connection of its own held in one read transaction. */
  private async fullSnapshot(
    environmentId: string,
    onPage: (page: SnapshotPage, position: number) => Promise<void>,
  ): Promise<number> {
    const db = openReadConnection(this.#deps.file);
    const reader = new SqliteReader(db);
    try {
      reader.beginSnapshot();
      const position = Number(prepareFeedStatements(db).head.get()?.head ?? 0);
      let pages = 0;
      const push = (page: SnapshotPage) => {
        pages++;
        return onPage(page, position);
      };
      for (let stock = reader.exportStock(environmentId, null, SNAPSHOT_PAGE); stock.length > 0; ) {
        await push({ stock, schedule: [] });
        const last = stock[stock.length - 1];
        stock =
          last && stock.length === SNAPSHOT_PAGE
            ? reader.exportStock(environmentId, last, SNAPSHOT_PAGE)
            : [];
      }
      for (let rows = reader.exportSchedule(environmentId, null, SNAPSHOT_PAGE); rows.length > 0; ) {
        await push({ stock: [], schedule: rows });
        const last = rows[rows.length - 1];
        rows =
          last && rows.length === SNAPSHOT_PAGE
            ? reader.exportSchedule(environmentId, last, SNAPSHOT_PAGE)
            : [];
      }
      if (pages === 0) await push({ stock: [], schedule: [] });
      reader.endSnapshot();
      return position;
    } finally {
      reader.close();
    }
  }

  private poll(): void {
    void this.head().then(
      (head) => {
        if (head === this.#lastHead) return;
        this.#lastHead = head;
        this.notify();
      },
      () => {},
    );
  }

  private sql(): FeedStatements {
    this.#sql ??= prepareFeedStatements(this.#deps.readerDb);
    return this.#sql;
  }
}
