import type { Store, StoreTx } from '../store/store.js';
import { isUniqueViolation } from '../store/store-errors.js';

/** How many times a batch that failed on a unique key is run again in a new transaction. */
const UNIQUE_VIOLATION_RETRIES = 2;

/** A unit of work waiting for the next batch. */
export interface Submitted<W> {
  readonly work: W;
  readonly lockKey: string;
}

/** Applies a batch of work items inside one transaction, returning one result per item, in order. */
export type BatchHandler<W, R> = (tx: StoreTx, items: readonly W[]) => Promise<R[]>;

interface Waiting<W, R> extends Submitted<W> {
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit (design.md, Performance): work submitted while a batch is being written, or within
 * the same event-loop turn, is applied together in ONE durable transaction, in arrival order, each
 * item still checked on its own by the handler. One batch is in flight at a time; the next batch
 * starts as soon as the previous one committed. Every caller learns its own result only after the
 * commit, so a 2xx always means "durably written".
 *
 * Across processes (design.md rule 2): two processes may accept the same event id in batches whose
 * lock keys do not overlap (the same id sent for two partitions at once). Each batch finds the id
 * absent from the ledger; the one that commits second fails on the ledger's unique index. Such a
 * batch (a unique violation, store-errors.isUniqueViolation) is run again from the start in a new
 * transaction, at most UNIQUE_VIOLATION_RETRIES more times: the handler's idempotency check now sees
 * the committed event and answers that item with a replay or a `conflict`, while the other items of
 * the batch apply as usual. The handler must therefore keep no state between calls other than `tx`.
 */
export class GroupCommitter<W, R> {
  private queue: Waiting<W, R>[] = [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;

  /**
   * `mark` gives a result the commit mark of its transaction (StoreTx.commitMark) when the transaction
   * appended ledger entries, so an answer can carry a commit token (engine/feed/feed.ts).
   */
  constructor(
    private readonly store: Store,
    private readonly handler: BatchHandler<W, R>,
    private readonly maxBatch = 4096,
    private readonly mark: (result: R, mark: number) => R = (result) => result,
  ) {}

  /** Queues work and resolves with its result once the batch holding it has committed. */
  submit(lockKey: string, work: W): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ lockKey, work, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything submitted so far has been written (or failed). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight || this.scheduled) {
      await (this.inFlight ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.runNext();
    });
  }

  private runNext(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    const lockKeys = [...new Set(batch.map((item) => item.lockKey))].sort();
    const works = batch.map((item) => item.work);
    this.inFlight = this.commit(lockKeys, works)
      .then(
        (results) => {
          for (const [i, item] of batch.entries()) item.resolve(results[i] as R);
        },
        (error: unknown) => {
          for (const item of batch) item.reject(error);
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        if (this.queue.length > 0) this.schedule();
      });
  }

  /** One transaction for the batch, run again when it failed on a unique key (see the class comment). */
  private async commit(lockKeys: readonly string[], works: readonly W[]): Promise<R[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.store.transaction(lockKeys, async (tx) => {
          const results = await this.handler(tx, works);
          const mark = tx.commitMark();
          return mark === null ? results : results.map((result) => this.mark(result, mark));
        });
      } catch (error) {
        if (attempt >= UNIQUE_VIOLATION_RETRIES || !isUniqueViolation(error)) throw error;
      }
    }
  }
}
