import { randomUUID } from 'node:crypto';
import { dimensionsKey } from '../../domain/dimensions.js';
import type { SpanDelta } from '../../store/feed-store.js';
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

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    private readonly onError: (error: unknown) => void,
    private readonly spanSize = SPAN_SIZE,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.runOnce(), TICK_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One pass over every environment (the timer's work; tests call it directly). */
  runOnce(): Promise<void> {
    this.#running ??= this.pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
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
   * The net change per stored value of the environment's entries in one span. A value the span brought
   * into being is kept even when its net change is zero: an as-of query before the span must not see it.
   */
  private async deltasOf(environmentId: string, span: number): Promise<SpanDelta[]> {
    const end = (span + 1) * this.spanSize;
    const sums = new Map<string, SpanDelta>();
    for (let cursor = span * this.spanSize; cursor < end; ) {
      const page = await this.store.feed.read(environmentId, cursor, PAGE);
      for (const record of page) {
        if (record.position > end) break;
        for (const c of record.changes) {
          const date = c.date ?? null;
          const id = [
            record.partitionId,
            c.organizationId,
            c.productId,
            dimensionsKey(c.dimensions),
            c.dataSource,
            c.measure,
            date ?? '',
          ].join('\u0000');
          const known = sums.get(id);
          sums.set(id, {
            created: known ? known.created : c.created === true,
            partitionId: record.partitionId,
            organizationId: c.organizationId,
            productId: c.productId,
            dimensions: c.dimensions,
            dataSource: c.dataSource,
            measure: c.measure,
            date,
            delta: (known?.delta ?? 0n) + c.delta,
          });
        }
      }
      const last = page[page.length - 1];
      if (!last || page.length < PAGE || last.position >= end) break;
      cursor = last.position;
    }
    return [...sums.values()].filter((d) => d.delta !== 0n || d.created);
  }
}
