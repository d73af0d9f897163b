import type Database from 'better-sqlite3';
import { dimensionsKey } from '../../domain/dimensions.js';
import { type FeedRowText, formatOf, toJson } from '../ledger-codec.js';
import { decodeOutcome } from '../ledger-format/entry-format.js';
import type { OciTxWrites } from '../oci/oci-store.js';
import type {
  EnvironmentRecord,
  LedgerEntry,
  ProductScope,
  RecordedEvent,
  ReservationRecord,
  ScheduleKey,
  ScheduleRow,
  StockKey,
  StockRow,
  StoreTx,
} from '../store.js';
import { feedRow } from './committed-tail.js';
import { sqliteOciTx } from './oci/sqlite-oci-tx.js';
import { reservationParams, toReservationRecord } from './reservation-mapping.js';
import { ledgerParams, stockParams, toStockRow } from './row-mapping.js';
import {
  scheduleCursorParams,
  scheduleKeyParams,
  scheduleParams,
  toScheduleRow,
} from './schedule-mapping.js';
import type { WriterStatements } from './statements.js';

/**
 * The StoreTx of SqliteStore: runs its statements on the writer connection inside the transaction that
 * SqliteStore opened. Once the transaction has ended (committed or rolled back) every method rejects,
 * so a stray call can never write outside it.
 */
export class SqliteTx implements StoreTx {
  #open = true;
  #lastSeq: number | null = null;
  /** The ledger rows appended, as a read of the feed gives them (SqliteFeed's committed tail). */
  readonly #appended: FeedRowText[] = [];
  /** The entries appended, in the same order (SqliteFeed's committed spans). */
  readonly #entries: LedgerEntry[] = [];

  /** `fedAt` gives the feed time of the entries this transaction appends (see FeedRecord.fedAt). */
  constructor(
    private readonly sql: WriterStatements,
    private readonly fedAt: () => string,
    db: Database.Database,
  ) {
    this.oci = sqliteOciTx(db, () => this.assertOpen());
  }

  readonly oci: OciTxWrites;

  /** Called by SqliteStore before it commits or rolls back; the tx is unusable afterwards. */
  end(): void {
    this.#open = false;
  }

  async readRows(environmentId: string, keys: readonly StockKey[]): Promise<StockRow[]> {
    this.assertOpen();
    const rows: StockRow[] = [];
    for (const k of keys) {
      const found = this.sql.readRow.all(
        environmentId,
        k.organizationId,
        k.productId,
        dimensionsKey(k.dimensions),
        k.dataSource,
        k.measure,
      );
      for (const r of found) rows.push(toStockRow(r));
    }
    return rows;
  }

  async writeRows(environmentId: string, rows: readonly StockRow[]): Promise<void> {
    this.assertOpen();
    for (const row of rows) this.sql.upsertRow.run(...stockParams(environmentId, row));
  }

  /** Rows come in key order (dims, data source, measure). */
  async readProductRows(
    environmentId: string,
    organizationId: string,
    productId: string,
    partitionId: string,
  ): Promise<StockRow[]> {
    this.assertOpen();
    return this.sql.readProductRows
      .all(environmentId, organizationId, productId, partitionId)
      .map(toStockRow);
  }

  async readScopesRows(environmentId: string, scopes: readonly ProductScope[]): Promise<StockRow[]> {
    this.assertOpen();
    return scopes.flatMap((s) =>
      this.sql.readProductRows
        .all(environmentId, s.organizationId, s.productId, s.partitionId)
        .map(toStockRow),
    );
  }

  async deletePartitions(environmentId: string, partitionIds: readonly string[]): Promise<StockRow[]> {
    this.assertOpen();
    if (partitionIds.length === 0) return [];
    const ids = JSON.stringify(partitionIds);
    const deleted = this.sql.selectPartitions.all(environmentId, ids).map(toStockRow);
    this.sql.deletePartitions.run(environmentId, ids);
    this.sql.deletePartitionReservations.run(environmentId, ids);
    return deleted;
  }

  /** Rows come in primary key order (partition, organization, product, dims, source, measure, date). */
  async deletePartitionSchedules(
    environmentId: string,
    partitionIds: readonly string[],
  ): Promise<ScheduleRow[]> {
    this.assertOpen();
    if (partitionIds.length === 0) return [];
    const ids = JSON.stringify(partitionIds);
    const deleted = this.sql.selectPartitionSchedules.all(environmentId, ids).map(toScheduleRow);
    this.sql.deletePartitionSchedules.run(environmentId, ids);
    return deleted;
  }

  /** Rows come in the order of `keys`. */
  async readScheduleRows(environmentId: string, keys: readonly ScheduleKey[]): Promise<ScheduleRow[]> {
    this.assertOpen();
    const rows: ScheduleRow[] = [];
    for (const k of keys) {
      for (const r of this.sql.readScheduleRow.all(environmentId, ...scheduleKeyParams(k)))
        rows.push(toScheduleRow(r));
    }
    return rows;
  }

  /** Applied in order, so when a key repeats its last row wins. */
  async writeScheduleRows(environmentId: string, rows: readonly ScheduleRow[]): Promise<void> {
    this.assertOpen();
    for (const row of rows) {
      if (row.quantity === 0n) this.sql.deleteScheduleRow.run(environmentId, ...scheduleCursorParams(row));
      else this.sql.upsertScheduleRow.run(...scheduleParams(environmentId, row));
    }
  }

  async readProductSchedule(
    environmentId: string,
    organizationId: string,
    productId: string,
    partitionId: string,
  ): Promise<ScheduleRow[]> {
    this.assertOpen();
    return this.sql.readProductSchedule
      .all(environmentId, organizationId, productId, partitionId)
      .map(toScheduleRow);
  }

  /** Reservations come in id order; a repeated id is returned once. */
  async readReservations(
    environmentId: string,
    reservationIds: readonly string[],
  ): Promise<ReservationRecord[]> {
    this.assertOpen();
    if (reservationIds.length === 0) return [];
    return this.sql.readReservations
      .all(environmentId, JSON.stringify(reservationIds))
      .map(toReservationRecord);
  }

  async readOpenReservations(
    environmentId: string,
    organizationId: string,
    productId: string,
    partitionId: string,
  ): Promise<ReservationRecord[]> {
    this.assertOpen();
    return this.sql.readOpenReservations
      .all(environmentId, organizationId, productId, partitionId)
      .map(toReservationRecord);
  }

  async readScopesDueReservations(
    environmentId: string,
    scopes: readonly ProductScope[],
    now: string,
  ): Promise<ReservationRecord[]> {
    this.assertOpen();
    const found = scopes.flatMap((s) =>
      this.sql.readDueReservations
        .all(now, environmentId, s.organizationId, s.productId, s.partitionId)
        .map(toReservationRecord),
    );
    return found.sort(oldestFirst);
  }

  async writeReservations(environmentId: string, records: readonly ReservationRecord[]): Promise<void> {
    this.assertOpen();
    for (const r of records) this.sql.upsertReservation.run(...reservationParams(environmentId, r));
  }

  async findEvents(
    environmentId: string,
    family: string,
    eventIds: readonly string[],
  ): Promise<Map<string, RecordedEvent>> {
    this.assertOpen();
    const found = new Map<string, RecordedEvent>();
    if (eventIds.length === 0) return found;
    for (const r of this.sql.findEvents.all(environmentId, family, JSON.stringify(eventIds))) {
      found.set(r.event_id, {
        seq: Number(r.seq),
        // One transaction commits at a time here: an entry's seq is its commit mark and its position.
        commit: Number(r.seq),
        bodyHash: r.body_hash,
        outcome: decodeOutcome(r.outcome, r.event_id, formatOf(r.format)),
      });
    }
    return found;
  }

  async appendLedger(entries: readonly LedgerEntry[]): Promise<number[]> {
    this.assertOpen();
    if (entries.length === 0) return [];
    const fedAt = this.fedAt();
    // Read in every transaction that appends (one indexed row): a switch applies from the next write.
    const format = Number(this.sql.writeFormat.get()?.write_format ?? 1) >= 2 ? 2 : 1;
    const seqs: number[] = [];
    for (const e of entries) {
      const params = ledgerParams(e, fedAt, format);
      const seq = Number(this.sql.insertLedger.run(...params).lastInsertRowid);
      seqs.push(seq);
      this.#appended.push(feedRow(seq, params));
      this.#entries.push(e);
    }
    this.#lastSeq = seqs[seqs.length - 1] ?? this.#lastSeq;
    return seqs;
  }

  /** The ledger rows this transaction appended, in seq order, as the feed reads them back. */
  appended(): readonly FeedRowText[] {
    return this.#appended;
  }

  /** The ledger entries this transaction appended, in the order of `appended()`. */
  appendedEntries(): readonly LedgerEntry[] {
    return this.#entries;
  }

  /** The seq of the last entry appended: on SQLite it is also the feed position of the whole commit. */
  commitMark(): number | null {
    return this.#lastSeq;
  }

  /** Writes are serialised in-process (SqliteStore): the version read here stays until commit. */
  async ociGraphVersion(environmentId: string): Promise<number> {
    this.assertOpen();
    return Number(this.sql.ociGraphVersion.get(environmentId)?.version ?? 0);
  }

  /**
   * Every SQLite write transaction (BEGIN IMMEDIATE) already excludes every other one, in any process:
   * holding the configurations needs no lock of its own, only the versions are read.
   */
  async lockConfigurations(environmentIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    this.assertOpen();
    const versions = new Map<string, number>();
    for (const id of new Set(environmentIds)) {
      const found = this.sql.environmentVersion.get(id);
      if (found) versions.set(id, Number(found.version));
    }
    return versions;
  }

  async saveEnvironment(record: EnvironmentRecord, expectedVersion?: number): Promise<boolean> {
    this.assertOpen();
    const { environmentId: id, version, createdAt, updatedAt } = record;
    const config = toJson(record.configuration);
    return expectedVersion === undefined
      ? this.sql.insertEnvironment.run(id, config, version, createdAt, updatedAt).changes === 1
      : this.sql.replaceEnvironment.run(config, version, updatedAt, id, expectedVersion).changes === 1;
  }

  private assertOpen(): void {
    if (!this.#open)
      throw new Error('This transaction has ended; StoreTx methods work only inside transaction().');
  }
}

/** createdAt, then reservationId (byte order), as the SQL of both backends orders reservations. */
function oldestFirst(a: ReservationRecord, b: ReservationRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.reservationId < b.reservationId ? -1 : a.reservationId > b.reservationId ? 1 : 0;
}
