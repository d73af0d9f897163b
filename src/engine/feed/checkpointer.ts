import { randomUUID } from 'node:crypto';
import type { SpanDelta } from '../../store/feed-store.js';
import { SpanSums } from '../../store/span-sums.js';
import type { Store } from '../../store/store.js';

/** The follower id under which the last checkpoint span written is kept (feed_followers). */
export const CHECKPOINTS = 'checkpoints';
/** Positions per checkpoint span. */
export const SPAN_SIZE = 10_000;

const LEASE_MS = 30_000;
const TICK_MS = 5_000;
const PAGE = 2000;

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
  #again = false;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    private readonly onError: (error: unknown) => void,
    private readonly spanSize = SPAN_SIZE,
  ) {}

  start(): void {
    if (this.#timer) return;
    // From now on the store may sum the spans it commits in memory (deltasOf takes them), and a pass
    // runs as soon as one is complete, so that few are kept.
    this.store.feed.keepSpanSums?.(this.spanSize, () => setImmediate(() => this.wake()));
    this.#timer = setInterval(() => void this.runOnce(), TICK_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.store.feed.keepSpanSums?.(0);
    await this.#running;
  }

  /** One pass over every environment (the timer's work; tests call it directly). */
  runOnce(): Promise<void> {
    this.#running ??= this.pass().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        setImmediate(() => this.wake());
      }
    });
    return this.#running;
  }

  /** A span may have become complete (the store says so): a pass now, or once the one running ends. */
  private wake(): void {
    if (!this.#timer) return;
    if (this.#running) this.#again = true;
    else void this.runOnce();
  }

  private async pass(): Promise<void> {
    try {
      const head = await this.store.feed.head();
      for (const { environmentId } of await this.store.listEnvironments()) {
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
   * by this process), else from the entries read back.
   */
  private async deltasOf(environmentId: string, span: number): Promise<SpanDelta[]> {
    const kept = this.store.feed.committedSpan?.(environmentId, span);
    if (kept) return kept;
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
