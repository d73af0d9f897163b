import { OnhandError } from '../../domain/codes.js';
import type { ScheduleCursor, StockCursor, Store } from '../../store/store.js';
import {
  type ExportCounts,
  endLine,
  environmentLine,
  headerLine,
  ledgerLine,
  reservationLine,
  scheduleLine,
  stockLine,
} from './format.js';
import { SILENT_PROGRESS, type TransferProgress } from './progress.js';

/** Options of exportEnvironment. */
export interface ExportOptions {
  /** Records read per page (default 1000). */
  readonly pageSize?: number;
  /** The time written into the header. */
  readonly clock?: () => Date;
  readonly progress?: TransferProgress;
}

/**
 * Writes the whole state (stock, scheduled values, reservations) and ledger of an environment in the
 * export format (format.ts), page by page with committed reads, so an environment of any size streams
 * in bounded memory. `write` receives chunks of whole lines (each ending in a newline) and may return
 * a promise to apply backpressure.
 *
 * The pages are separate reads, not one snapshot: export an environment while nothing writes to it
 * (the usual case when moving house), or the stock may not match the end of the ledger.
 * Throws environment_not_found when the environment does not exist.
 */
export async function exportEnvironment(
  store: Store,
  environmentId: string,
  write: (chunk: string) => Promise<void> | void,
  options: ExportOptions = {},
): Promise<ExportCounts> {
  const pageSize = options.pageSize ?? 1000;
  const progress = options.progress ?? SILENT_PROGRESS;
  const environment = await store.getEnvironment(environmentId);
  if (!environment)
    throw new OnhandError('environment_not_found', `Environment "${environmentId}" does not exist.`);
  const exportedAt = (options.clock ?? (() => new Date()))().toISOString();
  await write(lines([headerLine(environmentId, exportedAt), environmentLine(environment)]));
  let done = 0;
  progress.start('exporting', undefined);
  const emit = async (records: Record<string, unknown>[]) => {
    await write(lines(records));
    done += records.length;
    progress.advance(done);
  };

  let stock = 0;
  for (let after: StockCursor | null = null; ; ) {
    const page = await store.exportStock(environmentId, after, pageSize);
    await emit(page.map(stockLine));
    stock += page.length;
    if (page.length < pageSize) break;
    after = page[page.length - 1] ?? null;
  }
  let schedule = 0;
  for (let after: ScheduleCursor | null = null; ; ) {
    const page = await store.exportSchedule(environmentId, after, pageSize);
    await emit(page.map(scheduleLine));
    schedule += page.length;
    if (page.length < pageSize) break;
    after = page[page.length - 1] ?? null;
  }
  let reservations = 0;
  for (let afterId: string | null = null; ; ) {
    const page = await store.exportReservations(environmentId, afterId, pageSize);
    await emit(page.map(reservationLine));
    reservations += page.length;
    if (page.length < pageSize) break;
    afterId = page[page.length - 1]?.reservationId ?? null;
  }
  let ledger = 0;
  for (let afterSeq = 0; ; ) {
    const page = await store.readLedger(environmentId, afterSeq, pageSize);
    await emit(page.map(ledgerLine));
    ledger += page.length;
    if (page.length < pageSize) break;
    afterSeq = page[page.length - 1]?.seq ?? afterSeq;
  }
  const counts = { stock, schedule, reservations, ledger };
  await write(lines([endLine(counts)]));
  progress.finish();
  return counts;
}

function lines(records: readonly Record<string, unknown>[]): string {
  let text = '';
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}
