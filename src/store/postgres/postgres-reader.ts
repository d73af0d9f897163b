import type pg from 'pg';
import { dimensionsKey } from '../../domain/dimensions.js';
import { partitionHintOf } from '../../domain/reservation/reservation-id-hint.js';
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
import {
  type ClientDbRow,
  type DueReservation,
  type EnvironmentDbRow,
  type ReservationDbRow,
  toClientRecord,
  toDueReservation,
  toEnvironmentRecord,
  toReservationRecord,
} from './record-mapping.js';
import {
  ANY_OPEN_ON_MEASURE,
  GET_RESERVATION,
  GET_RESERVATION_IN,
  LIST_DUE_RESERVATIONS,
  NEXT_EXPIRY,
  PRODUCT_RESERVATIONS,
} from './reservation-statements.js';
import { type LedgerDbRow, type StockDbRow, toStockRow } from './row-mapping.js';
import { type ScheduleDbRow, scheduleCursorParams, toScheduleRow } from './schedule-mapping.js';
import {
  EXPORT_SCHEDULE_AFTER,
  EXPORT_SCHEDULE_FIRST,
  LIST_SCHEDULE_SCOPES,
  readScheduleSql,
} from './schedule-statements.js';
import {
  GET_CLIENT,
  GET_ENVIRONMENT,
  HAS_STOCK,
  HAS_STOCK_WITH_DIMENSION,
  LIST_CLIENTS,
  LIST_ENVIRONMENTS,
  LIST_PARTITION_IDS,
  READ_LEDGER,
  READ_LEDGER_BY_REFERENCE,
  READ_LEDGER_BY_REFERENCE_IN,
  readStockSql,
  STOCK_FILTERS,
} from './statements.js';
import {
  EXPORT_RESERVATIONS_AFTER,
  EXPORT_RESERVATIONS_FIRST,
  EXPORT_STOCK_AFTER,
  EXPORT_STOCK_FIRST,
} from './transfer-statements.js';

/**
 * The committed reads of PostgresStore. Each runs as one autocommit statement on any pooled
 * connection, outside every transaction, so it sees the last committed state only. (Built on one
 * connection instead, its reads run in whatever transaction that connection holds, e.g. a snapshot.)
 */
export class PostgresReader {
  constructor(private readonly pool: pg.Pool | pg.PoolClient) {}

  async getEnvironment(environmentId: string): Promise<EnvironmentRecord | undefined> {
    const [row] = await this.rows<EnvironmentDbRow>(GET_ENVIRONMENT, [environmentId]);
    return row && toEnvironmentRecord(row);
  }

  async listEnvironments(): Promise<EnvironmentRecord[]> {
    return (await this.rows<EnvironmentDbRow>(LIST_ENVIRONMENTS, [])).map(toEnvironmentRecord);
  }

  /** Lists are bound as arrays, so they may be of any length; empty or absent lists mean "any". */
  async readStock(environmentId: string, selector: StockSelector): Promise<StockRow[]> {
    if (selector.organizationIds.length === 0) return [];
    const { columns, params } = selectorParams(environmentId, selector);
    return (await this.rows<StockDbRow>(readStockSql(columns), params)).map(toStockRow);
  }

  /** The selector as readStock applies it, then the first date when given. */
  async readSchedule(env: string, selector: StockSelector, fromDate: string | null): Promise<ScheduleRow[]> {
    if (selector.organizationIds.length === 0) return [];
    const { columns, params } = selectorParams(env, selector);
    if (fromDate !== null) params.push(fromDate);
    const sql = readScheduleSql(columns, fromDate !== null);
    return (await this.rows<ScheduleDbRow>(sql, params)).map(toScheduleRow);
  }

  async listScheduleScopes(env: string, beforeDate: string, limit: number): Promise<ScheduleScope[]> {
    const rows = await this.rows<{ organization_id: string; product_id: string; partition_id: string }>(
      LIST_SCHEDULE_SCOPES,
      [env, beforeDate, limit],
    );
    return rows.map((r) => ({
      organizationId: r.organization_id,
      productId: r.product_id,
      partitionId: r.partition_id,
    }));
  }

  async exportSchedule(env: string, after: ScheduleCursor | null, limit: number): Promise<ScheduleRow[]> {
    const rows =
      after === null
        ? await this.rows<ScheduleDbRow>(EXPORT_SCHEDULE_FIRST, [env, limit])
        : await this.rows<ScheduleDbRow>(EXPORT_SCHEDULE_AFTER, [env, ...scheduleCursorParams(after), limit]);
    return rows.map(toScheduleRow);
  }

  async exportStock(environmentId: string, after: StockCursor | null, limit: number): Promise<StockRow[]> {
    const rows =
      after === null
        ? await this.rows<StockDbRow>(EXPORT_STOCK_FIRST, [environmentId, limit])
        : await this.rows<StockDbRow>(EXPORT_STOCK_AFTER, [
            environmentId,
            after.partitionId,
            after.organizationId,
            after.productId,
            dimensionsKey(after.dimensions),
            after.dataSource,
            after.measure,
            limit,
          ]);
    return rows.map(toStockRow);
  }

  async exportReservations(env: string, afterId: string | null, limit: number): Promise<ReservationRecord[]> {
    const rows =
      afterId === null
        ? await this.rows<ReservationDbRow>(EXPORT_RESERVATIONS_FIRST, [env, limit])
        : await this.rows<ReservationDbRow>(EXPORT_RESERVATIONS_AFTER, [env, afterId, limit]);
    return rows.map(toReservationRecord);
  }

  async hasStock(environmentId: string): Promise<boolean> {
    return (await this.rows(HAS_STOCK, [environmentId])).length > 0;
  }

  async hasStockWithDimension(
    env: string,
    dataSource: string,
    measure: string,
    dimension: string,
  ): Promise<boolean> {
    return (await this.rows(HAS_STOCK_WITH_DIMENSION, [env, dataSource, measure, dimension])).length > 0;
  }

  async listPartitionIds(environmentId: string): Promise<string[]> {
    const rows = await this.rows<{ partition_id: string }>(LIST_PARTITION_IDS, [environmentId]);
    return rows.map((r) => r.partition_id);
  }

  async readLedger(environmentId: string, afterSeq: number, limit: number): Promise<LedgerRecord[]> {
    const rows = await this.rows<LedgerDbRow>(READ_LEDGER, [environmentId, afterSeq, limit]);
    return rows.map(toLedgerRecord);
  }

  /** With `partitionId`, the entries of that partition only. */
  async readLedgerByReference(
    env: string,
    reference: string,
    limit: number,
    partitionId?: string,
  ): Promise<LedgerRecord[]> {
    const rows =
      partitionId === undefined
        ? await this.rows<LedgerDbRow>(READ_LEDGER_BY_REFERENCE, [env, reference, limit])
        : await this.rows<LedgerDbRow>(READ_LEDGER_BY_REFERENCE_IN, [env, reference, limit, partitionId]);
    return rows.map(toLedgerRecord);
  }

  /**
   * With `hinted` (the tables are distributed by partition), an id that carries its partition
   * (domain/reservation/reservation-id-hint.ts) is read in that partition's one shard first; every
   * shard is asked only when it is not there.
   */
  async getReservation(
    environmentId: string,
    reservationId: string,
    hinted = false,
  ): Promise<ReservationRecord | undefined> {
    const hint = hinted ? partitionHintOf(reservationId) : undefined;
    const [row] =
      (hint === undefined
        ? undefined
        : await this.rows<ReservationDbRow>(GET_RESERVATION_IN, [environmentId, reservationId, hint])) ?? [];
    const found =
      row ?? (await this.rows<ReservationDbRow>(GET_RESERVATION, [environmentId, reservationId]))[0];
    return found && toReservationRecord(found);
  }

  /** Ties on expiresAt are ordered by environment, then reservation id. */
  async listDueReservations(now: string, limit: number): Promise<DueReservation[]> {
    return (await this.rows<ReservationDbRow>(LIST_DUE_RESERVATIONS, [now, limit])).map(toDueReservation);
  }

  async nextExpiry(): Promise<string | null> {
    const [row] = await this.rows<{ expires_at: string }>(NEXT_EXPIRY, []);
    return row?.expires_at ?? null;
  }

  async listProductReservations(
    env: string,
    org: string,
    product: string,
    limit: number,
  ): Promise<ReservationRecord[]> {
    const rows = await this.rows<ReservationDbRow>(PRODUCT_RESERVATIONS, [env, org, product, limit]);
    return rows.map(toReservationRecord);
  }

  async hasOpenReservations(environmentId: string, dataSource: string, measure: string): Promise<boolean> {
    return (await this.rows(ANY_OPEN_ON_MEASURE, [environmentId, dataSource, measure])).length > 0;
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const [row] = await this.rows<ClientDbRow>(GET_CLIENT, [clientId]);
    return row && toClientRecord(row);
  }

  async listClients(): Promise<ClientRecord[]> {
    return (await this.rows<ClientDbRow>(LIST_CLIENTS, [])).map(toClientRecord);
  }

  private async rows<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>(text, values)).rows;
  }
}

/** The filtered columns of a selector and its bind values (env, organizations, then each list applied). */
function selectorParams(environmentId: string, selector: StockSelector) {
  const columns: string[] = [];
  const params: unknown[] = [environmentId, selector.organizationIds];
  for (const [field, column] of STOCK_FILTERS) {
    const list = selector[field];
    if (list === undefined || list.length === 0) continue;
    columns.push(column);
    params.push(list);
  }
  return { columns, params };
}
