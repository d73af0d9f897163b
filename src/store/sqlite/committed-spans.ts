import { type SpanDelta, SpanSums } from '../../domain/feed/span-sums.js';
import type { LedgerEntry } from '../records.js';

/** Spans kept at most (the oldest go first); the checkpointer is told of each one completed. */
const MAX_SPANS = 8;
/**
 * …and at most this many distinct values summed across them (the oldest spans go first past it): at
 * about 600 bytes of heap a value (its key, its sums, its place), some 40 MB.
 */
const MAX_VALUES = 65_536;

/** One span held: each environment's sums (null once taken or dropped) and the values they hold. */
interface HeldSpan {
  readonly byEnvironment: Map<string, SpanSums | null>;
  values: number;
}

/**
 * The checkpoint spans of the entries this store committed, summed in memory as they commit (the
 * entries' changes are at hand then; nothing is decoded), so the checkpointer need not read every entry
 * of a span back (FeedStore.committedSpan). On SQLite an entry's feed position is its seq, known at its
 * commit. A span is answered only when this store committed every seq of it while keeping sums: like
 * the committed tail (committed-tail.ts), a commit whose first seq does not follow the last one seen
 * (another process or connection wrote the file in between, or sums were just switched on) drops the
 * spans not yet complete, and the spans begun before it are never answered; the checkpointer then reads
 * those entries back, as it always did. Environments whose entries were deleted (`forget`) are dropped.
 * Memory is bounded by spans (MAX_SPANS) and by values (MAX_VALUES): the oldest spans go first, and a
 * span dropped is read back. One owner per store (the checkpointer): `keep` replaces the size and the
 * callback of any earlier call, and `take` refuses a size other than the one kept.
 */
export class CommittedSpans {
  #size = 0;
  #onComplete: (environmentIds: readonly string[]) => void = () => {};
  /** Every seq in (#from, #last] was committed by this store while keeping sums; #last < 0: none yet. */
  #from = -1;
  #last = -1;
  /** Per span, in seq order. */
  readonly #spans = new Map<number, HeldSpan>();
  #values = 0;
  /** The environments with entries in the span being committed (whether or not its sums are kept). */
  #touched = new Set<string>();

  constructor(
    private readonly maxSpans = MAX_SPANS,
    private readonly maxValues = MAX_VALUES,
  ) {}

  /**
   * Starts summing spans of `size` positions (0: stops); `onComplete` is called as spans complete, with
   * the environments that had entries in them.
   */
  keep(size: number, onComplete: (environmentIds: readonly string[]) => void = () => {}): void {
    this.#onComplete = onComplete;
    if (size === this.#size) return;
    this.#size = size;
    this.#spans.clear();
    this.#values = 0;
    this.#touched = new Set();
    this.#from = -1;
    this.#last = -1;
  }

  /** Distinct values held across the spans kept (tests, metrics). */
  get values(): number {
    return this.#values;
  }

  /** The entries of one commit of this store and their seqs, in seq order. */
  add(seqs: readonly number[], entries: readonly LedgerEntry[]): void {
    const size = this.#size;
    if (size === 0) return;
    let completed: Set<string> | undefined;
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i] as number;
      const entry = entries[i] as LedgerEntry;
      if (this.#last < 0 || seq !== this.#last + 1) {
        this.dropOpen();
        this.#from = seq - 1;
      }
      this.#last = seq;
      this.#touched.add(entry.environmentId);
      if (seq % size === 0) {
        completed ??= new Set();
        for (const environmentId of this.#touched) completed.add(environmentId);
        this.#touched = new Set();
      }
      this.sum(Math.floor((seq - 1) / size), entry);
    }
    if (completed) this.#onComplete([...completed]);
  }

  /**
   * The deltas of a complete span of the environment, once (a second call reads back); undefined when
   * not kept whole or when `size` is not the size kept.
   */
  take(environmentId: string, span: number, size: number): SpanDelta[] | undefined {
    if (this.#size === 0 || size !== this.#size || (span + 1) * this.#size > this.#last) return undefined;
    const held = this.#spans.get(span);
    if (!held) return undefined;
    const sums = held.byEnvironment.get(environmentId);
    if (sums === null) return undefined;
    this.release(held, environmentId);
    return sums ? sums.deltas() : [];
  }

  /** Drops what is kept of an environment whose entries were deleted. */
  forget(environmentId: string): void {
    for (const held of this.#spans.values()) this.release(held, environmentId);
  }

  private sum(span: number, entry: LedgerEntry): void {
    // Begun before the seqs seen: some entries of the span may be missing.
    if (span * this.#size < this.#from) return;
    let held = this.#spans.get(span);
    if (!held) {
      held = { byEnvironment: new Map(), values: 0 };
      this.#spans.set(span, held);
    }
    let sums = held.byEnvironment.get(entry.environmentId);
    if (sums === null) return;
    if (sums === undefined) {
      sums = new SpanSums();
      held.byEnvironment.set(entry.environmentId, sums);
    }
    const before = sums.size;
    sums.add(entry.partitionId, entry.changes);
    held.values += sums.size - before;
    this.#values += sums.size - before;
    while (this.#spans.size > this.maxSpans || (this.#values > this.maxValues && this.#spans.size > 0))
      this.drop(this.#spans.keys().next().value as number);
  }

  /** Marks the environment's sums of the span taken, freeing their values. */
  private release(held: HeldSpan, environmentId: string): void {
    const sums = held.byEnvironment.get(environmentId);
    if (sums) {
      held.values -= sums.size;
      this.#values -= sums.size;
    }
    held.byEnvironment.set(environmentId, null);
  }

  /** Drops a span; one not complete yet is never summed again (its later entries are not counted). */
  private drop(span: number): void {
    const held = this.#spans.get(span);
    if (held) this.#values -= held.values;
    this.#spans.delete(span);
    this.#from = Math.max(this.#from, Math.min((span + 1) * this.#size, this.#last));
  }

  /** Drops the spans not complete at the last seq seen. */
  private dropOpen(): void {
    for (const span of this.#spans.keys()) if ((span + 1) * this.#size > this.#last) this.drop(span);
  }
}
