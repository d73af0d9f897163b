import type pg from 'pg';
import { toJson } from '../ledger-codec.js';
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
import { type BatchReads, BY_KEY } from './batch-reads.js';
import { lockConfigurations } from './configuration-lock.js';
import { LedgerAppends } from './ledger-appends.js';
import type { WriteFormatCache } from './ledger-format/postgres-ledger-format.js';
import { postgresOciTx } from './oci/postgres-oci-tx.js';
import type { PipelinedConnection } from './pipeline.js';
import { type ReservationDbRow, reservationColumns, toReservationRecord } from './record-mapping.js';
import {
  READ_OPEN_RESERVATIONS,
  READ_RESERVATIONS,
  READ_RESERVATIONS_IN,
  UPSERT_RESERVATIONS,
} from './reservation-statements.js';
import { keyColumns, type StockDbRow, stockColumns, toStockRow } from './row-mapping.js';
import {
  type ScheduleDbRow,
  scheduleColumns,
  scheduleKeyColumns,
  toScheduleRow,
} from './schedule-mapping.js';
import {
  DELETE_PARTITION_SCHEDULES,
  READ_PRODUCT_SCHEDULE,
  READ_SCHEDULE_ROWS,
  READ_SCHEDULE_ROWS_IN,
  WRITE_SCHEDULE_ROWS,
} from './schedule-statements.js';
import {
  DELETE_PARTITIONS,
  INSERT_ENVIRONMENT,
  READ_PRODUCT_ROWS,
  READ_ROWS,
  READ_ROWS_IN,
  REPLACE_ENVIRONMENT,
  UPSERT_ROWS,
} from './statements.js';
import { distinct, type EventDbRow, recordedEvents, scopeColumns } from './tx-rows.js';

/**
 * The StoreTx of PostgresStore: every method is one statement (batches included) on the one connection
 * that holds the transaction, run after the previous call's statement, in call order. The connection is
 * pipelined (pipeline.ts): statements asked for together (reads started at once) share one round trip,
 * and the stock and reservation writes and appendLedgerAtCommit are sent with the next statement, at
 * the latest with COMMIT (a failure among them fails the transaction). Once the transaction has ended
 * every method rejects, so a stray call never runs outside it.
 */
export class PostgresTx implements StoreTx {
  #open = true;
  /** The transaction's ledger appends, the commit id they drew and the rows (the feed keeps them). */
  readonly ledger: LedgerAppends;
  /** The statements of the batch's reads by key (batch-reads.ts). */
  protected readonly batchReads: BatchReads = BY_KEY;

  constructor(
    protected readonly client: PipelinedConnection,
    protected readonly writeFormat: WriteFormatCache,
  ) {
    this.oci = postgresOciTx(client, () => this.assertOpen());
    this.ledger = new LedgerAppends(client, writeFormat);
  }

  readonly oci: OciTxWrites;

  /** Called by PostgresStore before it commits or rolls back; the tx is unusable afterwards. */
  end(): void {
    this.#open = false;
  }

  /** Rows come in the order of `keys`. */
  async readRows(
    environmentId: string,
    keys: readonly StockKey[],
    partitionIds?: readonly string[],
  ): Promise<StockRow[]> {
    this.assertOpen();
    if (keys.length === 0) return [];
    const params = [environmentId, ...keyColumns(keys)];
    const rows = await (partitionIds === undefined
      ? this.query<StockDbRow>(READ_ROWS, params)
      : this.query<StockDbRow>(READ_ROWS_IN, [...params, distinct(partitionIds)]));
    return rows.map(toStockRow);
  }

  /** Sent with the transaction's next statement (see the class comment). */
  async writeRows(environmentId: string, rows: readonly StockRow[]): Promise<void> {
    this.assertOpen();
    if (rows.length === 0) return;
    this.client.defer(UPSERT_ROWS, [environmentId, ...stockColumns(rows)]);
  }

  /** Rows come in key order (dims, data source, measure). */
  async readProductRows(
    environmentId: string,
    organizationId: string,
    productId: string,
    partitionId: string,
  ): Promise<StockRow[]> {
    const params = [environmentId, organizationId, productId, partitionId];
    return (await this.query<StockDbRow>(READ_PRODUCT_ROWS, params)).map(toStockRow);
  }

  async readScopesRows(environmentId: string, scopes: readonly ProductScope[]): Promise<StockRow[]> {
    this.assertOpen();
    if (scopes.length === 0) return [];
    const rows = await this.query<StockDbRow>(this.batchReads.scopesRows, [
      environmentId,
      ...scopeColumns(scopes),
      distinct(scopes.map((s) => s.partitionId)),
    ]);
    return rows.map(toStockRow);
  }

  async deletePartitions(environmentId: string, partitionIds: readonly string[]): Promise<StockRow[]> {
    this.assertOpen();
    if (partitionIds.length === 0) return [];
    const deleted = await this.query<StockDbRow>(DELETE_PARTITIONS, [environmentId, partitionIds]);
    return deleted.map(toStockRow);
  }

  /** Rows come in primary key order (partition, organization, product, dims, source, measure, date). */
  async deletePartitionSchedules(
    environmentId: string,
    partitionIds: readonly string[],
  ): Promise<ScheduleRow[]> {
    this.assertOpen();
    if (partitionIds.length === 0) return [];
    const deleted = await this.query<ScheduleDbRow>(DELETE_PARTITION_SCHEDULES, [
      environmentId,
      partitionIds,
    ]);
    return deleted.map(toScheduleRow);
  }

  /** Rows come in the order of `keys`. */
  async readScheduleRows(
    environmentId: string,
    keys: readonly ScheduleKey[],
    partitionIds?: readonly string[],
  ): Promise<ScheduleRow[]> {
    this.assertOpen();
    if (keys.length === 0) return [];
    const params = [environmentId, ...scheduleKeyColumns(keys)];
    const rows = await (partitionIds === undefined
      ? this.query<ScheduleDbRow>(READ_SCHEDULE_ROWS, params)
      : this.query<ScheduleDbRow>(READ_SCHEDULE_ROWS_IN, [...params, distinct(partitionIds)]));
    return rows.map(toScheduleRow);
  }

  /** One statement for the batch; when a key repeats its last row wins. */
  async writeScheduleRows(environmentId: string, rows: readonly ScheduleRow[]): Promise<void> {
    this.assertOpen();
    if (rows.length === 0) return;
    await this.query(WRITE_SCHEDULE_ROWS, [environmentId, ...scheduleColumns(rows)]);
  }

  async readProductSchedule(
    environmentId: string,
    organizationId: string,
    productId: string,
    partitionId: string,
  ): Promise<ScheduleRow[]> {
    const params = [environmentId, organizationId, productId, partitionId];
    return (await this.query<ScheduleDbRow>(READ_PRODUCT_SCHEDULE, params)).map(toScheduleRow);
  }

  /** Reservations come in id order; a repeated id is returned once. */
  async readReservations(
    environmentId: string,
    reservationIds: readonly string[],
    partitionIds?: readonly string[],
  ): Promise<ReservationRecord[]> {
    this.assertOpen();
    if (reservationIds.length === 0) return [];
    const rows = await (partitionIds === undefined
      ? this.query<ReservationDbRow>(READ_RESERVATIONS, [environmentId, reservationIds])
      : this.query<ReservationDbRow>(READ_RESERVATIONS_IN, [
          environmentId,
          reservationIds,
          distinct(partitionIds),
        ]));
    return rows.map(toReservationRecord);
  }

  async readOpenReservations(
    environmentId: string,
    organizationId: string,
    productId: string,
    partitionId: string,
  ): Promise<ReservationRecord[]> {
    const params = [environmentId, organizationId, productId, partitionId];
    return (await this.query<ReservationDbRow>(READ_OPEN_RESERVATIONS, params)).map(toReservationRecord);
  }

  async readScopesDueReservations(
    environmentId: string,
    scopes: readonly ProductScope[],
    now: string,
  ): Promise<ReservationRecord[]> {
    this.assertOpen();
    if (scopes.length === 0) return [];
    const params = [environmentId, ...scopeColumns(scopes), now, distinct(scopes.map((s) => s.partitionId))];
    return (await this.query<ReservationDbRow>(this.batchReads.scopesDueReservations, params)).map(
      toReservationRecord,
    );
  }

  /** Sent with the transaction's next statement (see the class comment). */
  async writeReservations(environmentId: string, records: readonly ReservationRecord[]): Promise<void> {
    this.assertOpen();
    if (records.length === 0) return;
    this.client.defer(UPSERT_RESERVATIONS, [environmentId, ...reservationColumns(records)]);
  }

  async findEvents(
    environmentId: string,
    family: string,
    eventIds: readonly string[],
    _partitionIds?: readonly string[],
  ): Promise<Map<string, RecordedEvent>> {
    this.assertOpen();
    if (eventIds.length === 0) return new Map();
    return recordedEvents(
      await this.query<EventDbRow>(this.batchReads.findEvents, [environmentId, family, eventIds]),
    );
  }

  async appendLedger(entries: readonly LedgerEntry[]): Promise<number[]> {
    this.assertOpen();
    return this.ledger.append(entries);
  }

  /** Sent with the transaction's next statement, at the latest with COMMIT (ledger-appends.ts). */
  async appendLedgerAtCommit(entries: readonly LedgerEntry[]): Promise<void> {
    this.assertOpen();
    await this.ledger.appendAtCommit(entries);
  }

  /** The commit id drawn by the first appendLedger: the sequencer stamps the transaction under it. */
  commitMark(): number | null {
    const { commitId } = this.ledger;
    return commitId === null ? null : Number(commitId);
  }

  /** FOR SHARE: a graph replacement (FOR UPDATE of the same row) waits for this transaction. */
  async ociGraphVersion(environmentId: string): Promise<number> {
    this.assertOpen();
    const rows = await this.query<{ version: string }>(
      'SELECT version FROM oci_graphs WHERE environment_id = $1 FOR SHARE',
      [environmentId],
    );
    return Number(rows[0]?.version ?? 0);
  }

  async lockConfigurations(
    environmentIds: readonly string[],
    mode: 'shared' | 'exclusive',
  ): Promise<ReadonlyMap<string, number>> {
    this.assertOpen();
    return lockConfigurations(this.client, environmentIds, mode);
  }

  async saveEnvironment(record: EnvironmentRecord, expectedVersion?: number): Promise<boolean> {
    const { environmentId: id, version, createdAt, updatedAt } = record;
    const config = toJson(record.configuration);
    const result = await this.client.query(
      expectedVersion === undefined ? INSERT_ENVIRONMENT : REPLACE_ENVIRONMENT,
      expectedVersion === undefined
        ? [id, config, version, createdAt, updatedAt]
        : [config, version, updatedAt, id, expectedVersion],
    );
    return result.rowCount === 1;
  }

  protected async query<R extends pg.QueryResultRow>(text: string, values: readonly unknown[]): Promise<R[]> {
    this.assertOpen();
    return (await this.client.query<R>(text, [...values])).rows;
  }

  protected assertOpen(): void {
    if (!this.#open)
      throw new Error('This transaction has ended; StoreTx methods work only inside transaction().');
  }
}
