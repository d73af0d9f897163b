import { RecordChecks } from './check-records.js';
import { decodeLine, type TransferRecord } from './decode-line.js';
import { EXPORT_TYPE, type ExportCounts } from './format.js';
import type { TransferProgress } from './progress.js';
import { TransferError } from './transfer-error.js';

type Of<T extends TransferRecord['type']> = Extract<TransferRecord, { type: T }>;

/** What the first pass over a file found: its header, environment and counts. */
export interface CheckedFile {
  readonly header: Of<'header'>;
  readonly environment: Of<'environment'> & { readonly line: number };
  readonly counts: ExportCounts;
}

/** The order of the sections of a file; a record may not come after one of a later section. */
const SECTION: Readonly<Record<TransferRecord['type'], number>> = {
  header: 0,
  environment: 1,
  stock: 2,
  schedule: 3,
  reservation: 4,
  oci: 5,
  ledger: 6,
  end: 7,
};

/**
 * Reads a whole export file once and checks every line before anything is written: each decodes
 * (decode-line.ts), the sections come in order with exactly one header, environment and end record,
 * ledger seqs increase, nothing follows the end record, and the end record's counts match the
 * records read. Empty lines are ignored. Throws a TransferError naming the line otherwise.
 */
export async function checkFile(
  lines: AsyncIterable<string>,
  progress: TransferProgress,
): Promise<CheckedFile> {
  let header: Of<'header'> | undefined;
  let environment: CheckedFile['environment'] | undefined;
  let end: Of<'end'> | undefined;
  const seen = { stock: 0, schedule: 0, reservations: 0, oci: 0, ledger: 0 };
  let [line, section, lastSeq, lastPosition, endLine] = [0, -1, 0, 0, 0];
  const checks = new RecordChecks();
  progress.start('checking', undefined);
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    if (end) throw new TransferError('content after the end record.', line);
    const record = decodeLine(text, line);
    if (section < 0 && record.type !== 'header')
      throw new TransferError(
        `the file must start with an "${EXPORT_TYPE}" header (is it an Onhand export?).`,
        line,
      );
    if (SECTION[record.type] < section || (SECTION[record.type] === section && section < 2))
      throw new TransferError(`a "${record.type}" record is out of place: ${expectedAfter(section)}.`, line);
    if (section === 0 && record.type !== 'environment')
      throw new TransferError('the header must be followed by the "environment" record.', line);
    section = SECTION[record.type];
    if (record.type === 'header') header = record;
    else if (record.type === 'environment') {
      checks.environment(record, line);
      environment = { ...record, line };
    } else if (record.type === 'end') [end, endLine] = [record, line];
    else if (record.type === 'stock') seen.stock++;
    else if (record.type === 'schedule') seen.schedule++;
    else if (record.type === 'reservation') seen.reservations++;
    else if (record.type === 'oci') seen.oci++;
    else {
      if (record.position !== undefined) {
        if (record.position <= lastPosition)
          throw new TransferError(`ledger position ${record.position} is not above ${lastPosition}.`, line);
        lastPosition = record.position;
      } else if (record.seq <= lastSeq) {
        throw new TransferError(`ledger seq ${record.seq} is not above ${lastSeq}.`, line);
      }
      lastSeq = record.seq;
      seen.ledger++;
    }
    checks.record(record, line);
    progress.advance(line);
  }
  progress.finish();
  if (!header || !environment)
    throw new TransferError('The file holds no export (it is empty or cut short).');
  if (!end)
    throw new TransferError(
      `The file ends at line ${line} without its "end" record: it is truncated (was the export interrupted?). Nothing was imported.`,
    );
  checkCounts(end, seen, endLine);
  checks.finish();
  return { header, environment, counts: end.counts };
}

function expectedAfter(section: number): string {
  const order =
    'header, environment, stock rows, schedule records, reservations, OCI records, ledger entries, end';
  return section < 0 ? `expected the header first (${order})` : `the order is ${order}`;
}

function checkCounts(end: Of<'end'>, seen: ExportCounts, line: number): void {
  for (const key of ['stock', 'schedule', 'reservations', 'oci', 'ledger'] as const) {
    if (end.counts[key] !== seen[key])
      throw new TransferError(
        `the end record counts ${end.counts[key]} ${key} records but the file holds ${seen[key]}.`,
        line,
      );
  }
}
