import type pg from 'pg';
import { HEAD, SETTLE_CHECK } from './feed-statements.js';

/** How often a wait for positions looks again when no NOTIFY came. */
const SETTLE_POLL_MS = 25;

/** What one check saw, in one statement's snapshot. */
interface Check {
  /** The commit id sequence's value when read (after the snapshot was taken): every commit id drawn so far. */
  readonly mark: number;
  /** The oldest commit id still without a position (undefined: none). */
  readonly oldest: number | undefined;
  /** The head: every stamped entry has a position at most this. */
  readonly head: number;
}

/**
 * Answers `settle` and `settleAll` of the PostgreSQL feed with as few statements as possible
 * (docs/storefront.md, "Why the default is right across servers, and what it costs"): calls made while
 * a check is in flight share the next one, so one statement serves every call that arrived before it
 * was sent.
 *
 * Why that is enough for `settleAll`: a write acknowledged before a call committed before it, so it is
 * visible to the snapshot of any statement sent after the call. The check reads, in that snapshot, the
 * oldest commit still without a position and the head; if nothing older than the sequence's value is
 * left unstamped, every visible commit (the acknowledged ones among them) has a position at most that
 * head (the sequencer stamps commits and moves the head in one transaction). Otherwise the call waits
 * for the commits up to the sequence's value read by the check, as `settle` does.
 */
export class Settler {
  #sending = false;
  #queued = false;
  #waiting: Array<{ resolve: (check: Check) => void; reject: (error: unknown) => void }> = [];
  /** Check statements sent (tests, metrics). */
  checks = 0;

  constructor(
    private readonly pool: pg.Pool,
    /** Resolves at the next NOTIFY of new positions, or after `ms`. */
    private readonly nextHead: (ms: number) => Promise<void>,
    /** True when the tables are distributed with Citus: the head is then read by a statement of its own. */
    private readonly citus: () => boolean = () => false,
  ) {}

  async settleAll(timeoutMs: number): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    const first = await this.check();
    if (first.oldest === undefined) return first.head;
    return this.waitFor(first.mark, deadline, first);
  }

  async settle(mark: number, timeoutMs: number): Promise<number | undefined> {
    return this.waitFor(mark, Date.now() + timeoutMs, await this.check());
  }

  /** Checks again at each NOTIFY (or poll) until no commit up to `mark` lacks a position. */
  private async waitFor(mark: number, deadline: number, seen: Check): Promise<number | undefined> {
    for (let check = seen; ; check = await this.check()) {
      if (check.oldest === undefined || check.oldest > mark) return check.head;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await this.nextHead(Math.min(left, SETTLE_POLL_MS));
    }
  }

  /**
   * The result of a check statement sent after this call. Calls made in the same turn of the event loop,
   * or while a check is in flight, share one statement.
   */
  private check(): Promise<Check> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.#sending || this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.send();
    });
  }

  private send(): void {
    const batch = this.#waiting.splice(0);
    if (batch.length === 0) return;
    this.#sending = true;
    this.checks++;
    // The statement is sent after every call of the batch was made (it is taken from the queue now).
    this.read()
      .then(
        (check) => {
          for (const waiter of batch) waiter.resolve(check);
        },
        (error: unknown) => {
          for (const waiter of batch) waiter.reject(error);
        },
      )
      .finally(() => {
        this.#sending = false;
        if (this.#waiting.length > 0) this.schedule();
      });
  }

  /**
   * One check. On Citus the head is read again by a second statement, sent after the first answered:
   * Citus commits the sequencer's transaction node by node and the coordinator reads its own copy of
   * feed_state with the snapshot its statement took before the workers were read, so the first
   * statement can see a commit stamped on a worker and a head from before it. The coordinator commits
   * its part (the head) before any worker's COMMIT PREPARED, so a statement sent later sees the head of
   * every stamp the first one saw (docs/operations.md, "What is different on Citus").
   */
  private async read(): Promise<Check> {
    const { rows } = await this.pool.query<{
      mark: string | null;
      oldest: string | null;
      head: string | null;
    }>(SETTLE_CHECK);
    const row = rows[0];
    let head = Number(row?.head ?? 0);
    if (this.citus()) {
      const later = await this.pool.query<{ position: string }>(HEAD);
      head = Math.max(head, Number(later.rows[0]?.position ?? 0));
    }
    return {
      mark: Number(row?.mark ?? 0),
      oldest: row?.oldest == null ? undefined : Number(row.oldest),
      head,
    };
  }
}
