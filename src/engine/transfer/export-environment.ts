import { OnhandError } from '../../domain/codes.js';
import type { ScheduleRow, Store } from '../../store/store.js';
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
import { exportOci } from './oci-records.js';
import { SILENT_PROGRESS, type TransferProgress } from './progress.js';

/** Options of exportEnvironment. */
export interface ExportOptions {
  /** Records read per page (default 1000). */
  readonly pageSize?: number;
  /** The time written into the header. */
  readonly clock?: () => Date;
  readonly progress?: TransferProgress;
  /** How long to wait for committed entries to get their feed positions first (default 5000 ms). */
  readonly settleMs?: number;
}

/** What an export wrote: the counts of its end record and the feed position of its header. */
export interface ExportSummary extends ExportCounts {
  readonly position: number;
}

/**
 * Writes the whole state (stock, scheduled values, reservations) and ledger of an environment in the
 * export format (format.ts), so an environment of any size streams in bounded memory (but for its
 * scheduled values, held until the stock is written). `write` receives chunks of whole lines (each
 * ending in a newline) and may return a promise to apply backpressure.
 *
 * The stock rows and scheduled values are one consistent snapshot (store.feed.snapshot) at a feed
 * position, written into the header; the ledger is every entry up to that position, in position order,
 * so the state is exactly the replay of the ledger (which the import checks). Reservations are read
 * afterwards, outside the snapshot: export an environment while nothing writes to it (the usual case
 * when moving house). Throws environment_not_found when the environment does not exist.
 */
export async function exportEnvironment(
  store: Store,
  environmentId: string,
  write: (chunk: string) => Promise<void> | void,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  const pageSize = options.pageSize ?? 1000;
  const progress = options.progress ?? SILENT_PROGRESS;
  const environment = await store.getEnvironment(environmentId);
  if (!environment)
    throw new OnhandError('environment_not_found', `Environment "${environmentId}" does not exist.`);
  const exportedAt = (options.clock ?? (() => new Date()))().toISOString();
  let done = 0;
  progress.start('exporting', undefined);
  const emit = async (records: Record<string, unknown>[]) => {
    await write(lines(records));
    done += records.length;
    progress.advance(done);
  };
  // Entries committed before now get their positions, so the snapshot reflects them (best effort: one
  // that is still unstamped is simply after the snapshot's position, in neither the state nor the ledger).
  await store.feed.settleAll(options.settleMs ?? 5000);
  let [stock, started] = [0, false];
  const scheduled: ScheduleRow[] = [];
  const position = await store.feed.snapshot(environmentId, null, async (page, at) => {
    if (!started) {
      await write(lines([headerLine(environmentId, exportedAt, at), environmentLine(environment)]));
      started = true;
    }
    await emit(page.stock.map(stockLine));
    stock += page.stock.length;
    scheduled.push(...page.schedule);
  });
  for (let i = 0; i < scheduled.length; i += pageSize)
    await emit(scheduled.slice(i, i + pageSize).map(scheduleLine));
  let reservations = 0;
  for (let afterId: string | null = null; ; ) {
    const page = await store.exportReservations(environmentId, afterId, pageSize);
    await emit(page.map(reservationLine));
    reservations += page.length;
    if (page.length < pageSize) break;
    afterId = page[page.length - 1]?.reservationId ?? null;
  }
  const oci = await exportOci(store, environmentId, pageSize, emit);
  let ledger = 0;
  for (let after = 0; after < position; ) {
    const page = (await store.feed.read(environmentId, after, pageSize)).filter(
      (e) => e.position <= position,
    );
    await emit(page.map(ledgerLine));
    ledger += page.length;
    if (page.length === 0) break;
    after = page[page.length - 1]?.position ?? position;
  }
  const counts = { stock, schedule: scheduled.length, reservations, oci, ledger };
  await write(lines([endLine(counts)]));
  progress.finish();
  return { ...counts, position };
}

function lines(records: readonly Record<string, unknown>[]): string {
  let text = '';
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}
