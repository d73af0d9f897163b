import type { JobRecord } from '../../store/jobs/job-store.js';
import type { LedgerEntry, ReservationRecord, ScheduleRow, StockRow, Store } from '../../store/store.js';
import { decodeLine } from './decode-line.js';
import { type OciImportItem, writeOciImports } from './oci-import-records.js';
import { type OciItem, writeOci } from './oci-records.js';
import type { TransferProgress } from './progress.js';

/** The records of one transaction. */
interface Batch {
  stock: StockRow[];
  schedule: ScheduleRow[];
  reservations: ReservationRecord[];
  oci: OciItem[];
  imports: OciImportItem[];
  ledger: LedgerEntry[];
}

const empty = (): Batch => ({ stock: [], schedule: [], reservations: [], oci: [], imports: [], ledger: [] });
const size = (b: Batch) =>
  b.stock.length +
  b.schedule.length +
  b.reservations.length +
  b.oci.length +
  b.imports.length +
  b.ledger.length;
const IMPORT_KINDS: ReadonlySet<string> = new Set(['import', 'importError', 'importChunk']);
/** A batch is written once its lines reach this many characters too (an import's chunks: ~1.4 M each). */
const MAX_BATCH_CHARS = 16 * 1024 * 1024;

/**
 * The second pass of an import: writes the stock rows, scheduled values, reservations and ledger
 * entries of a checked file (check-file.ts) into `environmentId`, `batchSize` records per transaction,
 * in file order. Ledger entries get new seqs in the order of the file, and keep their event ids, body
 * hashes, outcomes and changes (dates included), so a retry of an event from before the move is still
 * recognised. OCI availability imports go through their own stores after each batch; their jobs are
 * pushed to `jobs`, for the caller to restore once the environment exists. Returns the number of
 * records written.
 */
export async function writeRecords(
  store: Store,
  environmentId: string,
  lines: AsyncIterable<string>,
  batchSize: number,
  progress: TransferProgress,
  jobs: JobRecord[] = [],
): Promise<number> {
  let batch = empty();
  let [line, written, bytes] = [0, 0, 0];
  const flush = async () => {
    const { stock, schedule, reservations, oci, ledger } = batch;
    await store.transaction([`${environmentId}~import`], async (tx) => {
      if (stock.length > 0) await tx.writeRows(environmentId, stock);
      if (schedule.length > 0) await tx.writeScheduleRows(environmentId, schedule);
      if (reservations.length > 0) await tx.writeReservations(environmentId, reservations);
      if (oci.length > 0) await writeOci(tx, environmentId, oci, new Date().toISOString());
      if (ledger.length > 0) await tx.appendLedger(ledger);
    });
    if (batch.imports.length > 0) jobs.push(...(await writeOciImports(store, environmentId, batch.imports)));
    written += size(batch);
    batch = empty();
    bytes = 0;
    progress.advance(written);
  };
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    const record = decodeLine(text, line);
    if (record.type === 'stock') batch.stock.push(record.row);
    else if (record.type === 'schedule') batch.schedule.push(record.row);
    else if (record.type === 'reservation') batch.reservations.push(record.record);
    else if (record.type === 'oci' && IMPORT_KINDS.has(record.item.kind))
      batch.imports.push(record.item as OciImportItem);
    else if (record.type === 'oci') batch.oci.push(record.item);
    else if (record.type === 'ledger') batch.ledger.push({ ...record.entry, environmentId });
    else continue;
    bytes += text.length;
    // By count, and by size: an import's file chunks are up to 1 MiB each.
    if (size(batch) >= batchSize || bytes >= MAX_BATCH_CHARS) await flush();
  }
  if (size(batch) > 0) await flush();
  return written;
}
