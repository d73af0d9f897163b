import type { LedgerEntry, RecordedEvent, ReservationRecord, ScheduleRow, StockRow } from '../../store.js';
import { JOINED } from '../batch-reads.js';
import { PostgresTx } from '../postgres-tx.js';
import { reservationColumns } from '../record-mapping.js';
import { stockColumns } from '../row-mapping.js';
import { scheduleColumns } from '../schedule-mapping.js';
import { FIND_EVENTS } from '../statements.js';
import { distinct, type EventDbRow, recordedEvents } from '../tx-rows.js';
import { appendLedgerOnCitus } from './citus-ledger.js';
import {
  insertValues,
  RESERVATION_UPSERT,
  SCHEDULE_DELETE,
  SCHEDULE_UPSERT,
  STOCK_UPSERT,
} from './citus-writes.js';

/** (env, family, event ids, partitions) → FIND_EVENTS among the events of those partitions. */
const FIND_EVENTS_IN = `${FIND_EVENTS} AND partition_id = ANY($4::text[])`;

/**
 * The StoreTx of PostgresStore when the tables are distributed with Citus (citus-layout.ts): the
 * writes are VALUES inserts routed to their partition's shards (citus-writes.ts), event ids are looked
 * up in the events' partitions (they are unique per partition there), and the ledger is appended
 * without CTEs (citus-ledger.ts). Reads are PostgresTx's: they name their partitions already.
 */
export class CitusTx extends PostgresTx {
  protected override readonly batchReads = JOINED;

  override async writeRows(environmentId: string, rows: readonly StockRow[]): Promise<void> {
    this.assertOpen();
    if (rows.length === 0) return;
    await insertValues(this.client, STOCK_UPSERT, [environmentId], stockColumns(rows));
  }

  override async writeReservations(
    environmentId: string,
    records: readonly ReservationRecord[],
  ): Promise<void> {
    this.assertOpen();
    if (records.length === 0) return;
    await insertValues(this.client, RESERVATION_UPSERT, [environmentId], reservationColumns(records));
  }

  /** Rows whose quantity is 0 are deleted, the others upserted (the keys are distinct). */
  override async writeScheduleRows(environmentId: string, rows: readonly ScheduleRow[]): Promise<void> {
    this.assertOpen();
    if (rows.length === 0) return;
    const columns = scheduleColumns(rows);
    const quantities = columns[9] ?? [];
    const pick = (zero: boolean) =>
      columns.map((column) => column.filter((_, i) => (quantities[i] === '0') === zero));
    const gone = pick(true);
    if ((gone[0]?.length ?? 0) > 0) {
      const [partition, org, product, dims, , , source, measure, date] = gone;
      await this.query(SCHEDULE_DELETE, [
        environmentId,
        partition,
        org,
        product,
        dims,
        source,
        measure,
        date,
      ]);
    }
    const kept = pick(false);
    if ((kept[0]?.length ?? 0) > 0) await insertValues(this.client, SCHEDULE_UPSERT, [environmentId], kept);
  }

  /** With `partitionIds`, only the events of those partitions: event ids are unique per partition here. */
  override async findEvents(
    environmentId: string,
    family: string,
    eventIds: readonly string[],
    partitionIds?: readonly string[],
  ): Promise<Map<string, RecordedEvent>> {
    if (partitionIds === undefined) return super.findEvents(environmentId, family, eventIds);
    this.assertOpen();
    if (eventIds.length === 0) return new Map();
    const params = [environmentId, family, eventIds, distinct(partitionIds)];
    return recordedEvents(await this.query<EventDbRow>(FIND_EVENTS_IN, params));
  }

  /** On Citus the ledger is appended at once, as appendLedger does (citus-ledger.ts draws the seqs first). */
  override async appendLedgerAtCommit(entries: readonly LedgerEntry[]): Promise<void> {
    await this.appendLedger(entries);
  }

  override async appendLedger(entries: readonly LedgerEntry[]): Promise<number[]> {
    this.assertOpen();
    if (entries.length === 0) return [];
    const format = await this.writeFormat.get(this.client);
    const { seqs, commitId } = await appendLedgerOnCitus(this.client, entries, this.ledger.commitId, format);
    this.ledger.commitId = commitId;
    return seqs.map(Number);
  }
}
