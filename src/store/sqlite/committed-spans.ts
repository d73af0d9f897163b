import type { SpanDelta } from '../feed-store.js';
import type { LedgerEntry } from '../records.js';
import { SpanSums } from '../span-sums.js';

/** Spans kept at most (the oldest go first); the checkpointer is told of each one completed. */
const MAX_SPANS = 8;

/**
 * The checkpoint spans of the entries this store committed, summed in memory as they commit (the
 * entries' changes are at hand then; nothing is decoded), so the checkpointer need not read every entry
 * of a span back (FeedStore.committedSpan). On SQLite an entry's feed position is its seq, known at its
 * commit. A span is answered only when this store committed every seq of it while keeping sums: like
 * the committed tail (committed-tail.ts), a commit whose first seq does not follow the last one seen
 * (another process or connection wrote the file in between, or sums were just switched on) drops the
 * spans not yet complete, and the spans begun before it are never answered; the checkpointer then reads
 * those entries back, as it always did. Environments whose entries were deleted (`forget`) are dropped.
 */
export class CommittedSpans {
  #size = 0;
  #onComplete: () => void = () => {};
  /** Every seq in (#from, #last] was committed by this store while keeping sums; #last < 0: none yet. */
  #from = -1;
  #last = -1;
  /** Per span (in seq order): each environment's sums, null once taken. */
  readonly #spans = new Map<number, Map<string, SpanSums | null>>();

  /** Starts summing spans of `size` positions (0: stops); `onComplete` is called as each one completes. */
  keep(size: number, onComplete: () => void = () => {}): void {
    this.#onComplete = onComplete;
    if (size === this.#size) return;
    this.#size = size;
    this.#spans.clear();
    this.#from = -1;
    this.#last = -1;
  }

  /** The entries of one commit of this store and their seqs, in seq order. */
  add(seqs: readonly number[], entries: readonly LedgerEntry[]): void {
    const size = this.#size;
    if (size === 0) return;
    let completed = false;
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i] as number;
      const entry = entries[i] as LedgerEntry;
      if (this.#last < 0 || seq !== this.#last + 1) {
        this.dropOpen();
        this.#from = seq - 1;
      }
      this.#last = seq;
      if (seq % size === 0) completed = true;
      const span = Math.floor((seq - 1) / size);
      // Begun before the seqs seen: some entries of the span may be missing.
      if (span * size < this.#from) continue;
      let byEnvironment = this.#spans.get(span);
      if (!byEnvironment) {
        byEnvironment = new Map();
        this.#spans.set(span, byEnvironment);
        if (this.#spans.size > MAX_SPANS) this.#spans.delete(this.#spans.keys().next().value as number);
      }
      let sums = byEnvironment.get(entry.environmentId);
      if (sums === null) continue;
      if (sums === undefined) {
        sums = new SpanSums();
        byEnvironment.set(entry.environmentId, sums);
      }
      sums.add(entry.partitionId, entry.changes);
    }
    if (completed) this.#onComplete();
  }

  /**
   * The deltas of a complete span of the environment, once (a second call reads back); undefined when
   * not kept whole.
   */
  take(environmentId: string, span: number): SpanDelta[] | undefined {
    if (this.#size === 0 || (span + 1) * this.#size > this.#last) return undefined;
    const byEnvironment = this.#spans.get(span);
    if (!byEnvironment) return undefined;
    const sums = byEnvironment.get(environmentId);
    if (sums === null) return undefined;
    byEnvironment.set(environmentId, null);
    return sums ? sums.deltas() : [];
  }

  /** Drops what is kept of an environment whose entries were deleted. */
  forget(environmentId: string): void {
    for (const byEnvironment of this.#spans.values()) byEnvironment.set(environmentId, null);
  }

  /** Drops the spans not complete at the last seq seen. */
  private dropOpen(): void {
    for (const span of this.#spans.keys()) if ((span + 1) * this.#size > this.#last) this.#spans.delete(span);
  }
}
