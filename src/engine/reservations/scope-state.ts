import { fail } from '../../domain/codes.js';
import { type Dimensions, dimensionsKey } from '../../domain/dimensions.js';
import { formatQty, isStorable, type Qty } from '../../domain/quantity.js';
import { releaseInOrder } from '../../domain/reservation/release.js';
import type { LedgerChange, ReservationRecord, StockRow, StoreTx } from '../../store/store.js';
import type { Scope } from './reservation-work.js';

/**
 * The stock and reservations of one product in one partition while a batch runs: loaded once, changed
 * in memory item by item, written back at the end. Changes of the item being applied are collected so
 * they can be recorded in its ledger entry, or dropped when the item fails.
 */
export class ScopeState {
  private readonly rows = new Map<string, StockRow>();
  readonly reservations = new Map<string, ReservationRecord>();
  private readonly dirtyRows = new Set<string>();
  private readonly dirtyReservations = new Set<string>();
  private pending: LedgerChange[] = [];
  private undo: (() => void)[] = [];

  private constructor(readonly scope: Scope) {}

  /** Loads one product's rows, every open reservation and the named reservations (see loadMany). */
  static async load(tx: StoreTx, scope: Scope, reservationIds: readonly string[]): Promise<ScopeState> {
    const [state] = await ScopeState.loadMany(
      tx,
      scope.environmentId,
      [{ scope, reservationIds, allOpen: true }],
      '',
    );
    return state as ScopeState;
  }

  /**
   * Loads the scopes of one environment for a batch: each product's rows, the named reservations
   * whatever their state, and either every open reservation (`allOpen`: the batch releases
   * reservations oldest first, by dimensions) or only those due at `now` (all that expiry needs: a hot
   * product's thousands of open carts are not read for every batch). Rows, due reservations and named
   * reservations of all scopes are read with one call each.
   */
  static async loadMany(
    tx: StoreTx,
    environmentId: string,
    wanted: readonly {
      readonly scope: Scope;
      readonly reservationIds: readonly string[];
      readonly allOpen: boolean;
    }[],
    now: string,
  ): Promise<ScopeState[]> {
    const states = new Map(wanted.map(({ scope }) => [scopeId(scope), new ScopeState(scope)]));
    const scopes = wanted.map(({ scope }) => scope);
    // Every read is started at once (on PostgreSQL they share one round trip); the results are used in
    // this order: rows, due reservations, each scope's open ones, the named ones.
    const rows = tx.readScopesRows(environmentId, scopes);
    const reads: Promise<ReservationRecord[]>[] = [];
    const dueOnly = wanted.filter((w) => !w.allOpen).map((w) => w.scope);
    if (dueOnly.length > 0) reads.push(tx.readScopesDueReservations(environmentId, dueOnly, now));
    for (const { scope } of wanted.filter((w) => w.allOpen)) {
      const { organizationId, productId, partitionId } = scope;
      reads.push(tx.readOpenReservations(environmentId, organizationId, productId, partitionId));
    }
    const named = [...new Set(wanted.flatMap((w) => w.reservationIds))];
    // A named reservation of another partition would stay out of every scope: only the scopes' are read.
    const partitions = [...new Set(scopes.map((s) => s.partitionId))];
    if (named.length > 0) reads.push(tx.readReservations(environmentId, named, partitions));
    const [stockRows, ...found] = await Promise.all([rows, ...reads]);
    for (const row of stockRows) {
      states.get(scopeId(row))?.rows.set(rowKey(row.dimensions, row.dataSource, row.measure), row);
    }
    // A named reservation of another product or partition stays out of every scope.
    for (const record of found.flat())
      states.get(scopeId(record))?.reservations.set(record.reservationId, record);
    return [...states.values()];
  }

  /** Every stored value of the product in the partition (for availability checks). */
  values(): Iterable<StockRow> {
    return this.rows.values();
  }

  /** The stored value of a measure at exact dimensions (0 when there is none). */
  valueOf(dimensions: Dimensions, dataSource: string, measure: string): Qty {
    return this.rows.get(rowKey(dimensions, dataSource, measure))?.quantity ?? 0n;
  }

  /** Adds `delta` to a measure at exact dimensions; throws quantity_out_of_range before changing anything. */
  addToMeasure(dimensions: Dimensions, dataSource: string, measure: string, delta: Qty): void {
    if (delta === 0n) return;
    const key = rowKey(dimensions, dataSource, measure);
    const current = this.rows.get(key);
    const quantity = (current?.quantity ?? 0n) + delta;
    if (!isStorable(quantity)) {
      fail(
        'quantity_out_of_range',
        `/quantities/${dataSource}/${measure}`,
        `${dataSource}.${measure} would become ${formatQty(quantity)}.`,
      );
    }
    const { organizationId, productId, partitionId } = this.scope;
    const wasDirty = this.dirtyRows.has(key);
    this.undo.push(() => {
      if (current) this.rows.set(key, current);
      else this.rows.delete(key);
      if (!wasDirty) this.dirtyRows.delete(key);
    });
    this.rows.set(key, {
      organizationId,
      productId,
      partitionId,
      dimensions,
      dataSource,
      measure,
      quantity,
      countedAt: current?.countedAt ?? null,
    });
    this.dirtyRows.add(key);
    this.pending.push({
      organizationId,
      productId,
      dimensions,
      dataSource,
      measure,
      delta,
      ...(current ? {} : { created: true as const }),
    });
  }

  /** Stores a new or changed reservation. */
  putReservation(record: ReservationRecord): void {
    const previous = this.reservations.get(record.reservationId);
    const wasDirty = this.dirtyReservations.has(record.reservationId);
    this.undo.push(() => {
      if (previous) this.reservations.set(record.reservationId, previous);
      else this.reservations.delete(record.reservationId);
      if (!wasDirty) this.dirtyReservations.delete(record.reservationId);
    });
    this.reservations.set(record.reservationId, record);
    this.dirtyReservations.add(record.reservationId);
  }

  /**
   * Releases up to `quantity` from the given reservations, oldest first: lowers their remaining and the
   * reserved measure by the same amount. Returns what was released per reservation and the excess.
   */
  release(records: readonly ReservationRecord[], quantity: Qty, now: string, status: 'released' | 'expired') {
    const { releases, excess } = releaseInOrder(records, quantity);
    for (const { reservationId, amount } of releases) {
      const record = this.reservations.get(reservationId) as ReservationRecord;
      this.addToMeasure(record.dimensions, record.dataSource, record.measure, -amount);
      const remaining = record.remaining - amount;
      this.putReservation({
        ...record,
        remaining,
        status: remaining === 0n ? status : 'open',
        updatedAt: now,
      });
    }
    return { releases, excess };
  }

  /** Open reservations at exactly these dimensions (and measure, when given), oldest first. */
  openAt(dimensions: Dimensions, measure?: { dataSource: string; measure: string }): ReservationRecord[] {
    const key = dimensionsKey(dimensions);
    return [...this.reservations.values()]
      .filter(
        (r) =>
          r.remaining > 0n &&
          dimensionsKey(r.dimensions) === key &&
          (!measure || (r.dataSource === measure.dataSource && r.measure === measure.measure)),
      )
      .sort((a, b) =>
        a.createdAt === b.createdAt
          ? a.reservationId < b.reservationId
            ? -1
            : 1
          : a.createdAt < b.createdAt
            ? -1
            : 1,
      );
  }

  /** Starts collecting the changes of one item (and forgets how to undo the previous one). */
  begin(): void {
    this.pending = [];
    this.undo = [];
  }

  /** The changes collected since begin(). */
  changes(): LedgerChange[] {
    return this.pending;
  }

  /** Writes the changed rows and reservations of this scope alone (batches of many scopes use dirty()). */
  async flush(tx: StoreTx): Promise<void> {
    const { rows, records } = this.dirty();
    if (rows.length > 0) await tx.writeRows(this.scope.environmentId, rows);
    if (records.length > 0) await tx.writeReservations(this.scope.environmentId, records);
  }

  /** The changed rows and reservations, to be written at the end of the batch. */
  dirty(): { rows: StockRow[]; records: ReservationRecord[] } {
    const rows = [...this.dirtyRows]
      .map((k) => this.rows.get(k))
      .filter((r): r is StockRow => r !== undefined);
    const records = [...this.dirtyReservations]
      .map((id) => this.reservations.get(id))
      .filter((r): r is ReservationRecord => r !== undefined);
    return { rows, records };
  }

  /** A point to come back to with rollbackTo (inside one item, after begin()). */
  mark(): { readonly undo: number; readonly pending: number } {
    return { undo: this.undo.length, pending: this.pending.length };
  }

  /** Undoes the changes made since `mark` (a part of an item that could not be applied whole). */
  rollbackTo(mark: { readonly undo: number; readonly pending: number }): void {
    for (const undo of this.undo.splice(mark.undo).reverse()) undo();
    this.pending.splice(mark.pending);
  }

  /** Undoes every change made since begin() (an item that failed halfway changes nothing). */
  rollback(): void {
    for (const undo of this.undo.reverse()) undo();
    this.undo = [];
    this.pending = [];
  }
}

/** Identity of a scope inside one environment. */
function scopeId(s: { organizationId: string; productId: string; partitionId: string }): string {
  return `${s.organizationId}\u0000${s.productId}\u0000${s.partitionId}`;
}

function rowKey(dimensions: Dimensions, dataSource: string, measure: string): string {
  return `${dimensionsKey(dimensions)}\u0000${dataSource}\u0000${measure}`;
}
