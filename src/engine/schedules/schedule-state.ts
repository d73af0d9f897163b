import { fail } from '../../domain/codes.js';
import { dimensionsKey } from '../../domain/dimensions.js';
import { formatQty, isStorable, type Qty } from '../../domain/quantity.js';
import type {
  LedgerChange,
  ScheduleKey,
  ScheduleRow,
  StockKey,
  StockRow,
  StoreTx,
} from '../../store/store.js';

/**
 * The scheduled and actual values one transaction touches, read once and changed in memory. `stage`
 * applies one item's changes all or nothing: when a value would leave the storable range, nothing of
 * that item is kept. `flush` writes what changed.
 */
export class ScheduleState {
  private readonly schedule = new Map<string, ScheduleRow>();
  private readonly stock = new Map<string, StockRow>();
  private readonly dirtySchedule = new Set<string>();
  private readonly dirtyStock = new Set<string>();

  private constructor(private readonly environmentId: string) {}

  /** Reads the rows of the given keys. */
  static async load(
    tx: StoreTx,
    environmentId: string,
    scheduleKeys: readonly ScheduleKey[],
    stockKeys: readonly StockKey[],
    partitionIds?: readonly string[],
  ): Promise<ScheduleState> {
    const state = new ScheduleState(environmentId);
    if (scheduleKeys.length > 0) {
      for (const row of await tx.readScheduleRows(environmentId, scheduleKeys, partitionIds))
        state.schedule.set(scheduleId(row), row);
    }
    if (stockKeys.length > 0) {
      for (const row of await tx.readRows(environmentId, stockKeys, partitionIds))
        state.stock.set(stockId(row), row);
    }
    return state;
  }

  /** A state over rows already read (the start-of-day sweep reads a product's whole schedule). */
  static of(
    environmentId: string,
    scheduleRows: readonly ScheduleRow[],
    stockRows: readonly StockRow[],
  ): ScheduleState {
    const state = new ScheduleState(environmentId);
    for (const row of scheduleRows) state.schedule.set(scheduleId(row), row);
    for (const row of stockRows) state.stock.set(stockId(row), row);
    return state;
  }

  /**
   * Adds each change's delta to the scheduled value of its date (changes with `date`) or to actual
   * stock (changes without), for one item, atomically. Throws quantity_out_of_range (with `pathOf` of
   * the change) and keeps nothing when a result would leave the storable range. Returns the changes as
   * the ledger records them: a change that brings a stock value into being is marked `created`.
   */
  stage(
    partitionId: string,
    changes: readonly LedgerChange[],
    pathOf: (change: LedgerChange) => string,
  ): LedgerChange[] {
    const schedule = new Map<string, ScheduleRow>();
    const stock = new Map<string, StockRow>();
    const recorded: LedgerChange[] = [];
    for (const change of changes) {
      const { delta, date, created: _, ...key } = change;
      if (date === undefined) {
        const id = stockId(key);
        const before = stock.get(id) ?? this.stock.get(id);
        const quantity = check((before?.quantity ?? 0n) + delta, change, pathOf(change));
        stock.set(id, { ...key, partitionId, quantity, countedAt: before?.countedAt ?? null });
        recorded.push(before ? { ...key, delta } : { ...key, delta, created: true });
      } else {
        const id = scheduleId({ ...key, date });
        const before = schedule.get(id) ?? this.schedule.get(id);
        const quantity = check((before?.quantity ?? 0n) + delta, change, pathOf(change));
        schedule.set(id, { ...key, date, partitionId, quantity });
        recorded.push({ ...key, delta, date });
      }
    }
    for (const [id, row] of schedule) {
      this.schedule.set(id, row);
      this.dirtySchedule.add(id);
    }
    for (const [id, row] of stock) {
      this.stock.set(id, row);
      this.dirtyStock.add(id);
    }
    return recorded;
  }

  /** Writes every changed row (scheduled values that net to 0 are deleted by the store). */
  async flush(tx: StoreTx): Promise<void> {
    const schedule = [...this.dirtySchedule].map((id) => this.schedule.get(id) as ScheduleRow);
    const stock = [...this.dirtyStock].map((id) => this.stock.get(id) as StockRow);
    if (schedule.length > 0) await tx.writeScheduleRows(this.environmentId, schedule);
    if (stock.length > 0) await tx.writeRows(this.environmentId, stock);
  }
}

function check(value: Qty, change: LedgerChange, path: string): Qty {
  if (!isStorable(value)) {
    const what = change.date === undefined ? 'on-hand value' : `value scheduled for ${change.date}`;
    fail(
      'quantity_out_of_range',
      path,
      `The ${what} of ${change.dataSource}.${change.measure} would become ${formatQty(value)}, beyond the supported range.`,
    );
  }
  return value;
}

function stockId(key: StockKey): string {
  return [key.organizationId, key.productId, dimensionsKey(key.dimensions), key.dataSource, key.measure].join(
    '\u0000',
  );
}

function scheduleId(key: ScheduleKey): string {
  return `${stockId(key)}\u0000${key.date}`;
}
