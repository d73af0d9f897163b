import { dimensionsKey } from '../domain/dimensions.js';
import type { SpanDelta } from './feed-store.js';
import type { LedgerChange } from './records.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The net change per stored value of the entries of one environment in one checkpoint span
 * (engine/feed/checkpointer.ts), summed entry by entry in position order. A value the span brought
 * into being is kept even when its net change is zero: an as-of query before the span must not see it.
 * The checkpointer sums the entries it reads back; SQLite sums those it commits, in memory
 * (sqlite/committed-spans.ts): both through this class, so both give the same deltas in the same order.
 */
export class SpanSums {
  readonly #sums = new Map<string, Mutable<SpanDelta>>();

  /** Adds the changes of one entry of the partition. */
  add(partitionId: string, changes: readonly LedgerChange[]): void {
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

  /** The values whose net change is not zero or that the span brought into being, in first-change order. */
  deltas(): SpanDelta[] {
    const deltas: SpanDelta[] = [];
    for (const d of this.#sums.values()) if (d.delta !== 0n || d.created) deltas.push({ ...d });
    return deltas;
  }
}
