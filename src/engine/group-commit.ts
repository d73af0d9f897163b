import type { LedgerEntry, Store, StoreTx, TransactionOptions } from '../store/store.js';
import { isStalePrepared, isUniqueViolation } from '../store/store-errors.js';

/** How many times a batch that failed on a unique key is run again in a new transaction. */
const UNIQUE_VIOLATION_RETRIES = 2;
/** How many times a batch that failed on a stale prepared statement is run again (see commit). */
const STALE_PREPARED_RETRIES = 1;

/** The configuration a work item was prepared with (its environment and version). */
export interface ConfigurationGuard {
  readonly environmentId: string;
  readonly version: number;
}

/**
 * The configuration an item was prepared with was replaced before its batch committed: nothing of the
 * item was written; prepare it again with the current configuration (withConfiguration does).
 */
export class ConfigurationMoved extends Error {
  constructor(readonly environmentId: string) {
    super(`The configuration of environment "${environmentId}" changed while the write was prepared.`);
    this.name = 'ConfigurationMoved';
  }
}

/** A unit of work waiting for the next batch. */
export interface Submitted<W> {
  readonly work: W;
  readonly lockKey: string;
  readonly guard: ConfigurationGuard | undefined;
}

/** What became of one item of a batch: its result, or its configuration moved. */
type Settled<R> = { readonly result: R } | { readonly moved: string };

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
  readonly #lanes = new Map<string, Lane<W, R>>();

  /**
   * `mark` gives a result the commit mark of its transaction (StoreTx.commitMark) when the transaction
   * appended ledger entries, so an answer can carry a commit token (engine/feed/feed.ts). `laneOf`
   * splits the work by lock key into lanes, each with its own batch in flight (default: one lane): on
   * a store that places data by partition (Citus), a lane per partition keeps each transaction on one
   * shard group (write-lanes.ts). `options` are given to every batch's transaction (a reservation
   * batch's preparedStatements).
   */
  constructor(
    private readonly store: Store,
    private readonly handler: BatchHandler<W, R>,
    private readonly maxBatch = 4096,
    private readonly mark: (result: R, mark: number) => R = (result) => result,
    private readonly laneOf: (lockKey: string) => string = () => '',
    private readonly options: Pick<TransactionOptions, 'preparedStatements'> = {},
  ) {}

  /**
   * Queues work and resolves with its result once the batch holding it has committed. With a `guard`,
   * the batch's transaction holds the environment's configuration (StoreTx.lockConfigurations, shared)
   * and applies the item only if the configuration is still at the guard's version; otherwise the
   * item is left out and rejects with ConfigurationMoved. So a write never commits under a
   * configuration other than the one it was checked against, whatever process replaced it.
   */
  submit(lockKey: string, work: W, guard?: ConfigurationGuard): Promise<R> {
    const name = this.laneOf(lockKey);
    let lane = this.#lanes.get(name);
    if (lane === undefined) {
      lane = new Lane<W, R>(
        (keys, batch) => this.commit(keys, batch),
        this.maxBatch,
        () => {
          // An idle lane is forgotten, so lanes per partition do not pile up.
          if (this.#lanes.get(name)?.idle) this.#lanes.delete(name);
        },
      );
      this.#lanes.set(name, lane);
    }
    return lane.submit(lockKey, work, guard);
  }

  /** Resolves when everything submitted so far has been written (or failed). */
  async drain(): Promise<void> {
    while (this.#lanes.size > 0) {
      await Promise.all([...this.#lanes.values()].map((lane) => lane.drain()));
      for (const [name, lane] of this.#lanes) if (lane.idle) this.#lanes.delete(name);
    }
  }

  /**
   * One transaction for the batch, run again when it failed on a unique key (see the class comment),
   * or once when it failed on a named statement gone stale on its connection (store-errors.
   * isStalePrepared: a migration changed a column it returns, or DEALLOCATE ALL; the store forgot the
   * connection's names and the transaction wrote nothing, so the new one prepares them again).
   * The commit mark is read once the transaction has committed (appendAtCommit may append with COMMIT).
   */
  private async commit(lockKeys: readonly string[], batch: readonly Submitted<W>[]): Promise<Settled<R>[]> {
    let unique = 0;
    let stale = 0;
    for (;;) {
      try {
        // Every effect of a batch is a statement of its transaction, so the locks may travel with the
        // first: with a guard, that is the configuration lock, awaited before the handler runs. A batch
        // without one (expiry, extend) takes its locks first, as a plain transaction does, so that what
        // its handler reads before any statement (the clock) is read under them.
        const lazyLocks = batch.some((item) => item.guard !== undefined);
        const { moved, results, tx } = await this.store.transaction(
          lockKeys,
          async (tx) => {
            const moved = await movedItems(tx, batch);
            const works = batch.filter((_, i) => !moved.has(i)).map((item) => item.work);
            const results = works.length > 0 ? await this.handler(tx, works) : [];
            return { moved, results, tx };
          },
          { ...this.options, lockWithFirstStatement: lazyLocks },
        );
        const mark = tx.commitMark();
        const marked = mark === null ? results : results.map((result) => this.mark(result, mark));
        let next = 0;
        return batch.map((_, i): Settled<R> => {
          const gone = moved.get(i);
          return gone === undefined ? { result: marked[next++] as R } : { moved: gone };
        });
      } catch (error) {
        if (isUniqueViolation(error) && unique < UNIQUE_VIOLATION_RETRIES) unique++;
        else if (isStalePrepared(error) && stale < STALE_PREPARED_RETRIES) stale++;
        else throw error;
      }
    }
  }
}

/** One lane of a GroupCommitter: its queue and its one batch in flight. */
class Lane<W, R> {
  private queue: Waiting<W, R>[] = [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly commit: (
      lockKeys: readonly string[],
      batch: readonly Submitted<W>[],
    ) => Promise<Settled<R>[]>,
    private readonly maxBatch: number,
    private readonly onIdle: () => void,
  ) {}

  get idle(): boolean {
    return this.queue.length === 0 && this.inFlight === undefined && !this.scheduled;
  }

  submit(lockKey: string, work: W, guard: ConfigurationGuard | undefined): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ lockKey, work, guard, resolve, reject });
      this.schedule();
    });
  }

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
    this.inFlight = this.commit(lockKeys, batch)
      .then(
        (settled) => {
          for (const [i, item] of batch.entries()) {
            const one = settled[i] as Settled<R>;
            if ('moved' in one) item.reject(new ConfigurationMoved(one.moved));
            else item.resolve(one.result);
          }
        },
        (error: unknown) => {
          for (const item of batch) item.reject(error);
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        if (this.queue.length > 0) this.schedule();
        else this.onIdle();
      });
  }
}

/**
 * Holds the configurations the guarded items of a batch were prepared with (shared) and returns the
 * indexes of those whose configuration has another version now, with their environment.
 */
async function movedItems<W>(tx: StoreTx, batch: readonly Submitted<W>[]): Promise<Map<number, string>> {
  const moved = new Map<number, string>();
  const environments = new Set<string>();
  for (const { guard } of batch) if (guard) environments.add(guard.environmentId);
  if (environments.size === 0) return moved;
  const versions = await tx.lockConfigurations([...environments], 'shared');
  for (let i = 0; i < batch.length; i++) {
    const guard = (batch[i] as Submitted<W>).guard;
    if (guard && versions.get(guard.environmentId) !== guard.version) moved.set(i, guard.environmentId);
  }
  return moved;
}

/**
 * Appends a batch's ledger entries with its commit where the store can (StoreTx.appendLedgerAtCommit:
 * on PostgreSQL they travel with COMMIT), at once otherwise. Only for handlers run by a GroupCommitter,
 * which reads the commit mark after the commit.
 */
export async function appendAtCommit(tx: StoreTx, entries: readonly LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  if (tx.appendLedgerAtCommit) await tx.appendLedgerAtCommit(entries);
  else await tx.appendLedger(entries);
}
