import type { LedgerEntry, ReservationRecord, StockRow, Store } from '../../store/store.js';
import { decodeLine } from './decode-line.js';
import type { TransferProgress } from './progress.js';

/** The records of one transaction. */
interface Batch {
  stock: StockRow[];
  reservations: ReservationRecord[];
  ledger: LedgerEntry[];
}

const empty = (): Batch => ({ stock: [], reservations: [], ledger: [] });
const size = (b: Batch) => b.stock.length + b.reservations.length + b.ledger.length;

/**
 * The second pass of an import: writes the stock rows, reservations and ledger entries of a checked
 * file (check-file.ts) into `environmentId`, `batchSize` records per transaction, in file order. Ledger
 * entries get new seqs in the order of the file, and keep their event ids, body hashes and outcomes, so
 * a retry of an event from before the move is still recognised. Returns the number of records written.
 */
export async function writeRecords(
  store: Store,
  environmentId: string,
  lines: AsyncIterable<string>,
  batchSize: number,
  progress: TransferProgress,
): Promise<number> {
  let batch = empty();
  let [line, written] = [0, 0];
  const flush = async () => {
    const { stock, reservations, ledger } = batch;
    await store.transaction([`${environmentId}~import`], async (tx) => {
      if (stock.length > 0) await tx.writeRows(environmentId, stock);
      if (reservations.length > 0) await tx.writeReservations(environmentId, reservations);
      if (ledger.length > 0) await tx.appendLedger(ledger);
    });
    written += size(batch);
    batch = empty();
    progress.advance(written);
  };
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    const record = decodeLine(text, line);
    if (record.type === 'stock') batch.stock.push(record.row);
    else if (record.type === 'reservation') batch.reservations.push(record.record);
    else if (record.type === 'ledger') batch.ledger.push({ ...record.entry, environmentId });
    else continue;
    if (size(batch) >= batchSize) await flush();
  }
  if (size(batch) > 0) await flush();
  return written;
}
