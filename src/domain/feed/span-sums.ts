import { type Dimensions, dimensionsKey } from '../dimensions.js';
import type { Qty } from '../quantity.js';

/** The place of a stored value (store/records.ts StockKey). */
export interface SpanValueKey {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Dimensions;
  readonly dataSource: string;
  readonly measure: string;
}

/** One change of a ledger entry (store/records.ts LedgerChange): what a span sums. */
export interface SpanChange extends SpanValueKey {
  readonly delta: Qty;
  readonly date?: string;
  /** The change brought the stored value into being. */
  readonly created?: true;
}

/** The net change of one stored value over a checkpoint span. */
export interface SpanDelta extends SpanValueKey {
  readonly partitionId: string;
  readonly date: string | null;
  readonly delta: Qty;
  /** The span's first change to the value brought it into being (SpanChange.created). */
  readonly created: boolean;
  /** The span (set when read back). */
  readonly span?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The net change per stored value of the entries of one environment in one checkpoint span
 * (engine/feed/checkpointer.ts), a pure rule, summed entry by entry in position order. A value the span brought
 * into being is kept even when its net change is zero: an as-of query before the span must not see it.
 * The checkpointer sums the entries it reads back; SQLite sums those it commits, in memory
 * (store/sqlite/committed-spans.ts): both through this class, so both give the same deltas in the same order.
 */
export class SpanSums {
  readonly #sums = new Map<string, Mutable<SpanDelta>>();

  /** Adds the changes of one entry of the partition. */
  add(partitionId: string, changes: readonly SpanChange[]): void {
    // The changes of an entry usually share their place: its key is written once for them.
    let dimensions: unknown;
    let place = '';
    for (const c of changes) {
      const date = c.date ?? null;
      if (c.dimensions !== dimensions) {
        dimensions = c.dimensions;
        place = dimensionsKey(c.dimensions);
      }
      const id = `${partitionId}\u0000${c.organizationId}\u0000${c.productId}\u0000${place}\u0000${c.dataSource}\u0000${c.measure}\u0000${date ?? ''}`;
      const known = this.#sums.get(id);
      if (known) {
        known.delta += c.delta;
        known.dimensions = c.dimensions;
        continue;
      }
      this.#sums.set(id, {
        created: c.created === true,
        partitionId,
        organizationId: c.organizationId,
        productId: c.productId,
        dimensions: c.dimensions,
        dataSource: c.dataSource,
        measure: c.measure,
        date,
        delta: c.delta,
      });
    }
  }

  /** Distinct values summed so far (what a span held in memory costs). */
  get size(): number {
    return this.#sums.size;
  }

  /** The values whose net change is not zero or that the span brought into being, in first-change order. */
  deltas(): SpanDelta[] {
    const deltas: SpanDelta[] = [];
    for (const d of this.#sums.values()) if (d.delta !== 0n || d.created) deltas.push({ ...d });
    return deltas;
  }
}
