import { dimensionsKey, dimensionValue, LOCATION, SITE } from '../../../domain/dimensions.js';
import type { Qty } from '../../../domain/quantity.js';
import type { SnapshotPage } from '../../feed-store.js';
import type { LedgerChange, ScheduleRow, StockRow, StockSelector } from '../../store.js';

interface Pending {
  readonly partitionId: string;
  readonly change: LedgerChange;
  delta: Qty;
  seen: boolean;
}

/**
 * A snapshot read on PostgreSQL sees every committed transaction, including those the sequencer has
 * not stamped yet; the position it reports is the last one stamped. This takes the changes of those
 * unstamped entries back out of the snapshot's rows, so the rows are exactly the state at the position:
 * `adjust` each page, then `rest` gives rows that only exist through the subtraction (rows the
 * unstamped entries deleted).
 */
export class UnstampedDeltas {
  readonly #pending = new Map<string, Pending>();

  constructor(entries: readonly { partitionId: string; changes: readonly LedgerChange[] }[]) {
    for (const { partitionId, changes } of entries) {
      for (const change of changes) {
        const id = keyOf(partitionId, change, change.date);
        const known = this.#pending.get(id);
        if (known) known.delta += change.delta;
        else this.#pending.set(id, { partitionId, change, delta: change.delta, seen: false });
      }
    }
  }

  get size(): number {
    return this.#pending.size;
  }

  adjust(page: SnapshotPage): SnapshotPage {
    if (this.#pending.size === 0) return page;
    return {
      stock: page.stock.map((row) => {
        const p = this.#pending.get(keyOf(row.partitionId, row, undefined));
        if (!p) return row;
        p.seen = true;
        return { ...row, quantity: row.quantity - p.delta };
      }),
      schedule: page.schedule.map((row) => {
        const p = this.#pending.get(keyOf(row.partitionId, row, row.date));
        if (!p) return row;
        p.seen = true;
        return { ...row, quantity: row.quantity - p.delta };
      }),
    };
  }

  /** Rows the unstamped entries removed (not in the snapshot), matching the selector. */
  rest(selector: StockSelector | null): SnapshotPage {
    const stock: StockRow[] = [];
    const schedule: ScheduleRow[] = [];
    for (const p of this.#pending.values()) {
      if (p.seen || p.delta === 0n || !matches(p.change, selector)) continue;
      const { organizationId, productId, dimensions, dataSource, measure, date } = p.change;
      const key = { organizationId, productId, dimensions, dataSource, measure, partitionId: p.partitionId };
      if (date === undefined) stock.push({ ...key, quantity: -p.delta, countedAt: null });
      else schedule.push({ ...key, date, quantity: -p.delta });
    }
    return { stock, schedule };
  }
}

function keyOf(
  partitionId: string,
  k: Pick<LedgerChange, 'organizationId' | 'productId' | 'dimensions' | 'dataSource' | 'measure'>,
  date: string | undefined,
): string {
  return [
    partitionId,
    k.organizationId,
    k.productId,
    dimensionsKey(k.dimensions),
    k.dataSource,
    k.measure,
    date ?? '',
  ].join('\u0000');
}

function matches(change: LedgerChange, selector: StockSelector | null): boolean {
  if (selector === null) return true;
  const within = (list: readonly string[] | undefined, value: string) =>
    list === undefined || list.length === 0 || list.includes(value);
  return (
    selector.organizationIds.includes(change.organizationId) &&
    within(selector.productIds, change.productId) &&
    within(selector.siteIds, dimensionValue(change.dimensions, SITE)) &&
    within(selector.locationIds, dimensionValue(change.dimensions, LOCATION))
  );
}
