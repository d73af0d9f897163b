import type Database from 'better-sqlite3';
import { toLedgerRecord } from '../ledger-codec.js';
import type {
  ClientRecord,
  EnvironmentRecord,
  LedgerRecord,
  ReservationRecord,
  ScheduleCursor,
  ScheduleRow,
  ScheduleScope,
  StockCursor,
  StockRow,
  StockSelector,
} from '../store.js';
import { toClientRecord, toEnvironmentRecord } from './record-mapping.js';
import { type DueReservation, toDueReservation, toReservationRecord } from './reservation-mapping.js';
import { toStockRow } from './row-mapping.js';
import { scheduleCursorParams, toScheduleRow } from './schedule-mapping.js';
import { FILTER } from './selector-sql.js';
import { prepareReader, type ReaderStatements } from './statements.js';
import { cursorParams, prepareTransferReader, type TransferReaderStatements } from './transfer-statements.js';

const SELECTOR_LISTS = [
  ['productIds', FILTER.products],
  ['siteIds', FILTER.sites],
  ['locationIds', FILTER.locations],
] as const;

/**
 * The committed reads of SqliteStore, on a connection of their own (query_only). Each read runs in its
 * own implicit read transaction, so it sees the last committed state and never the writes of a
 * transaction still open on the writer connection.
 */
export class SqliteReader {
  readonly #db: Database.Database;
  readonly #ping: Database.Statement<[], unknown>;
  #sql: ReaderStatements | undefined;
  #transfer: TransferReaderStatements | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#ping = db.prepare('SELECT 1');
  }

  ping(): void {
    this.#ping.get();
  }

  /** Runs `fn` in one read transaction: every read it makes sees the same committed state. */
  inSnapshot<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /** Opens a read transaction that lasts until `endSnapshot` (for a reader of its own connection). */
  beginSnapshot(): void {
    this.#db.exec('BEGIN');
  }

  endSnapshot(): void {
    if (this.#db.inTransaction) this.#db.exec('COMMIT');
  }

  close(): void {
    this.#db.close();
  }

  getEnvironment(environmentId: string): EnvironmentRecord | undefined {
    const row = this.sql().getEnvironment.get(environmentId);
    return row && toEnvironmentRecord(row);
  }

  listEnvironments(): EnvironmentRecord[] {
    return this.sql().listEnvironments.all().map(toEnvironmentRecord);
  }

  /** Lists are bound as JSON arrays, so they may be of any length. */
  readStock(environmentId: string, selector: StockSelector): StockRow[] {
    if (selector.organizationIds.length === 0) return [];
    const { filters, params } = selectorParams(environmentId, selector);
    return this.sql()
      .readStock(filters)
      .all(...params)
      .map(toStockRow);
  }

  /** The selector as readStock applies it, then the first date when given. */
  readSchedule(environmentId: string, selector: StockSelector, fromDate: string | null): ScheduleRow[] {
    if (selector.organizationIds.length === 0) return [];
    const { filters, params } = selectorParams(environmentId, selector);
    if (fromDate !== null) params.push(fromDate);
    return this.sql()
      .readSchedule(filters, fromDate !== null)
      .all(...params)
      .map(toScheduleRow);
  }

  listScheduleScopes(environmentId: string, beforeDate: string, limit: number): ScheduleScope[] {
    return this.sql()
      .listScheduleScopes.all(environmentId, beforeDate, limit)
      .map((r) => ({
        organizationId: r.organization_id,
        productId: r.product_id,
        partitionId: r.partition_id,
      }));
  }

  exportSchedule(environmentId: string, after: ScheduleCursor | null, limit: number): ScheduleRow[] {
    const sql = this.sql();
    const rows =
      after === null
        ? sql.scheduleFirst.all(environmentId, limit)
        : sql.scheduleAfter.all(environmentId, ...scheduleCursorParams(after), limit);
    return rows.map(toScheduleRow);
  }

  exportStock(environmentId: string, after: StockCursor | null, limit: number): StockRow[] {
    const sql = this.transfer();
    const rows =
      after === null
        ? sql.stockFirst.all(environmentId, limit)
        : sql.stockAfter.all(environmentId, ...cursorParams(after), limit);
    return rows.map(toStockRow);
  }

  exportReservations(environmentId: string, afterId: string | null, limit: number): ReservationRecord[] {
    const sql = this.transfer();
    const rows =
      afterId === null
        ? sql.reservationsFirst.all(environmentId, limit)
        : sql.reservationsAfter.all(environmentId, afterId, limit);
    return rows.map(toReservationRecord);
  }

  hasStock(environmentId: string): boolean {
    return this.sql().hasStock.get(environmentId, environmentId) !== undefined;
  }

  hasStockWithDimension(
    environmentId: string,
    dataSource: string,
    measure: string,
    dimension: string,
  ): boolean {
    const path = `$.${JSON.stringify(dimension)}`;
    return this.sql().hasStockWithDimension.get(environmentId, dataSource, measure, path) !== undefined;
  }

  listPartitionIds(environmentId: string): string[] {
    return this.sql()
      .listPartitionIds.all(environmentId, environmentId)
      .map((r) => r.partition_id);
  }

  readLedger(environmentId: string, afterSeq: number, limit: number): LedgerRecord[] {
    return this.sql().readLedger.all(environmentId, afterSeq, limit).map(toLedgerRecord);
  }

  readLedgerByReference(environmentId: string, reference: string, limit: number): LedgerRecord[] {
    return this.sql().readLedgerByReference.all(environmentId, reference, limit).map(toLedgerRecord);
  }

  getReservation(environmentId: string, reservationId: string): ReservationRecord | undefined {
    const row = this.sql().getReservation.get(environmentId, reservationId);
    return row && toReservationRecord(row);
  }

  /** Ties on expiresAt are ordered by environment, then reservation id. */
  listDueReservations(now: string, limit: number): DueReservation[] {
    return this.sql().listDueReservations.all(now, limit).map(toDueReservation);
  }

  nextExpiry(): string | null {
    return this.sql().nextExpiry.get()?.expires_at ?? null;
  }

  listProductReservations(env: string, org: string, product: string, limit: number): ReservationRecord[] {
    return this.sql().productReservations.all(env, org, product, limit).map(toReservationRecord);
  }

  hasOpenReservations(environmentId: string, dataSource: string, measure: string): boolean {
    return this.sql().anyOpenOnMeasure.get(environmentId, dataSource, measure) !== undefined;
  }

  getClient(clientId: string): ClientRecord | undefined {
    const row = this.sql().getClient.get(clientId);
    return row && toClientRecord(row);
  }

  listClients(): ClientRecord[] {
    return this.sql().listClients.all().map(toClientRecord);
  }

  private transfer(): TransferReaderStatements {
    this.#transfer ??= prepareTransferReader(this.#db);
    return this.#transfer;
  }

  /** Prepared on first use, once migrate() has created the tables. */
  private sql(): ReaderStatements {
    this.#sql ??= prepareReader(this.#db);
    return this.#sql;
  }
}

/** The FILTER flags of a selector and its bind values (env, organizations, then each list applied). */
export function selectorParams(
  environmentId: string,
  selector: StockSelector,
): { filters: number; params: string[] } {
  let filters = 0;
  const params = [environmentId, JSON.stringify(selector.organizationIds)];
  for (const [field, flag] of SELECTOR_LISTS) {
    const list = selector[field];
    if (list === undefined || list.length === 0) continue;
    filters |= flag;
    params.push(JSON.stringify(list));
  }
  return { filters, params };
}
