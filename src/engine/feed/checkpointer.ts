import { randomUUID } from 'node:crypto';
import { SpanSums } from '../../domain/feed/span-sums.js';
import type { SpanDelta } from '../../store/feed-store.js';
import type { Store } from '../../store/store.js';

/** The follower id under which the last checkpoint span written is kept (feed_followers). */
export const CHECKPOINTS = 'checkpoints';
/** Positions per checkpoint span. */
export const SPAN_SIZE = 10_000;

const LEASE_MS = 30_000;
const TICK_MS = 5_000;
const PAGE = 2000;
/** Where the store cannot sum spans as it commits: how long after new positions the head is read. */
const HEAD_CHECK_MS = 100;

/**
 * Writes the feed's checkpoints for as-of queries (as-of.ts): for each environment, the net change of
 * every stored value over each span of SPAN_SIZE positions, once the whole span is in the feed. A
 * follower like any other: one process per environment at a time (a store lease), progress kept in the
 * store, spans written in order and idempotently, so a crash anywhere only repeats work.
 */
export class Checkpointer {
  readonly #owner = randomUUID();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  /** Environments woken while a pass ran, for one pass after it. */
  #again: Set<string> | undefined;
  /** The pass over every environment asked for while another pass ran: it starts when that one ends. */
  #next: Promise<void> | undefined;
  /** Set by stop(), cleared by start(): a pass asked for before the stop does not start after it. */
  #stopped = false;
  #passes = 0;
  /** Stops following the store's new positions (stores without span sums: PostgreSQL). */
  #unwatch: (() => void) | undefined;
  #headCheck: NodeJS.Timeout | undefined;
  /** The last complete span seen by a head check (-1: none yet). */
  #completeSeen = -1;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    private readonly onError: (error: unknown) => void,
    private readonly spanSize = SPAN_SIZE,
    private readonly tickMs = TICK_MS,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#stopped = false;
    // From now on the store may sum the spans it commits in memory (deltasOf takes them), and a pass
    // runs as soon as one is complete, over the environments with entries in it, so that few are kept.
    if (this.store.feed.keepSpanSums) {
      this.store.feed.keepSpanSums(this.spanSize, (environmentIds) =>
        setImmediate(() => this.wake(environmentIds)),
      );
    } else {
      // The store reads spans back (PostgreSQL, whose positions are stamped after the commit): a pass
      // as soon as the head says a span is complete, while a server's own entries of it are still in the
      // store's memory, rather than at the tick (which reached further back, mostly into the database,
      // and summed several spans at once; docs/benchmarks.md, "The checkpointer's share of PostgreSQL's
      // W7 tail"). The head is read at most once per HEAD_CHECK_MS, whatever the rate of new positions.
      this.#unwatch = this.store.feed.watch(() => this.headMoved());
    }
    this.#timer = setInterval(() => void this.runOnce(), this.tickMs);
    this.#timer.unref();
  }

  /** New positions may exist: reads the head shortly, and runs a pass if a span has completed since. */
  private headMoved(): void {
    if (!this.#timer || this.#headCheck) return;
    this.#headCheck = setTimeout(() => {
      void (async () => {
        try {
          const complete = Math.floor((await this.store.feed.head()) / this.spanSize) - 1;
          if (complete > this.#completeSeen && this.#timer) {
            this.#completeSeen = complete;
            void this.runOnce();
          }
        } catch (error) {
          // Stopped meanwhile (the store may be closing): nothing to report.
          if (this.#timer) this.onError(error);
        } finally {
          this.#headCheck = undefined;
        }
      })();
    }, HEAD_CHECK_MS);
    this.#headCheck.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) {
      clearInterval(this.#timer);
      // Only the owner that switched the sums on switches them off (a checkpointer never started, an
      // engine's drained in a test, say, leaves another owner's sums alone).
      this.store.feed.keepSpanSums?.(0);
    }
    this.#unwatch?.();
    this.#unwatch = undefined;
    if (this.#headCheck) clearTimeout(this.#headCheck);
    this.#headCheck = undefined;
    this.#timer = undefined;
    this.#again = undefined;
    await this.#running;
    await this.#next;
  }

  /** Passes run so far, ticks and wakes alike (tests, metrics). */
  get passes(): number {
    return this.#passes;
  }

  /**
   * One pass over every environment (the timer's work; tests call it directly), resolved when it ends.
   * While a pass runs (perhaps a woken one, over a few environments, or one that read the head before
   * the caller's last write), the pass returned is the one over every environment that starts when it
   * ends: every ask meanwhile gets that same pass, so they cost one.
   */
  runOnce(): Promise<void> {
    // Asked for again before the following pass started (a caller resumed between the end of the running
    // pass and the start of that one): the same pass, never a second one beside it.
    if (this.#next) return this.#next;
    if (!this.#running) return this.run(undefined);
    this.#next = this.#running.then(() => {
      this.#next = undefined;
      return this.#stopped ? undefined : this.run(undefined);
    });
    return this.#next;
  }

  /**
   * A span has completed (the store says so) with entries of these environments: a pass over them now,
   * or one pass over all those woken meanwhile once the running pass ends. The tick covers the rest.
   */
  private wake(environmentIds: readonly string[]): void {
    if (!this.#timer || environmentIds.length === 0) return;
    if (this.#running) {
      this.#again ??= new Set();
      for (const id of environmentIds) this.#again.add(id);
      return;
    }
    void this.run(new Set(environmentIds));
  }

  private run(only: ReadonlySet<string> | undefined): Promise<void> {
    this.#passes++;
    const running: Promise<void> = this.pass(only).finally(() => {
      if (this.#running === running) this.#running = undefined;
      const again = this.#again;
      this.#again = undefined;
      // Woken meanwhile: a pass over those environments, unless the pass over every one follows anyway.
      if (again && !this.#next) setImmediate(() => this.wake([...again]));
    });
    this.#running = running;
    return running;
  }

  /** One pass over the environments given (all of them when undefined). */
  private async pass(only: ReadonlySet<string> | undefined): Promise<void> {
    try {
      const head = await this.store.feed.head();
      const environments = (await this.store.listEnvironments()).map((e) => e.environmentId);
      for (const environmentId of environments) {
        if (only && !only.has(environmentId)) continue;
        const now = this.clock();
        const until = new Date(now.getTime() + LEASE_MS).toISOString();
        const held = await this.store.feed.acquireLease(
          `${CHECKPOINTS}:${environmentId}`,
          this.#owner,
          until,
          now.toISOString(),
        );
        if (held === undefined) continue;
        await this.catchUp(environmentId, head);
      }
    } catch (error) {
      this.onError(error);
    }
  }

  /** Writes every complete span after the last one written, skipping spans without entries. */
  private async catchUp(environmentId: string, head: number): Promise<void> {
    let done = (await this.store.feed.followerPosition(environmentId, CHECKPOINTS)) ?? -1;
    const complete = Math.floor(head / this.spanSize) - 1;
    while (done < complete) {
      const [first] = await this.store.feed.read(environmentId, (done + 1) * this.spanSize, 1);
      // No entry until the end of the complete spans: nothing to write; they are all done.
      const span = first ? Math.min(Math.floor((first.position - 1) / this.spanSize), complete) : complete;
      if (first && span === Math.floor((first.position - 1) / this.spanSize)) {
        await this.store.feed.writeSpan(environmentId, span, await this.deltasOf(environmentId, span));
      }
      await this.store.feed.saveFollowerPosition(environmentId, CHECKPOINTS, span);
      done = span;
    }
  }

  /**
   * The net change per stored value of the environment's entries in one span (SpanSums): from what the
   * store summed in memory as it committed them, where it can (SQLite, every entry of the span committed
   * by this process), else as the store sums the span (PostgreSQL: this process's entries from memory,
   * undecoded, the others read back), else from the entries read back.
   */
  private async deltasOf(environmentId: string, span: number): Promise<SpanDelta[]> {
    const kept = this.store.feed.committedSpan?.(environmentId, span, this.spanSize);
    if (kept) return kept;
    const summed = await this.store.feed.sumSpan?.(environmentId, span, this.spanSize);
    if (summed) return summed;
    const end = (span + 1) * this.spanSize;
    const sums = new SpanSums();
    for (let cursor = span * this.spanSize; cursor < end; ) {
      const page = await this.store.feed.read(environmentId, cursor, PAGE);
      for (const record of page) {
        if (record.position > end) break;
        sums.add(record.partitionId, record.changes);
      }
      const last = page[page.length - 1];
      if (!last || page.length < PAGE || last.position >= end) break;
      cursor = last.position;
    }
    return sums.deltas();
  }
}
