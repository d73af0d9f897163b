import {
  CSV_ERROR_CODES,
  type CsvColumns,
  readCsvHeader,
  readCsvRow,
} from '../../../domain/oci/imports/csv-line.js';
import { type ImportLine, readImportLine } from '../../../domain/oci/imports/import-line.js';
import {
  type ImportCounters,
  NO_COUNTERS,
  type OciResultStatus,
} from '../../../domain/oci/imports/import-status.js';
import type { OciAvailabilityRecord, OciRecordApplier } from '../../../domain/oci/imports/record-applier.js';
import type { OciImportStore } from '../../../store/oci-imports/oci-import-store.js';
import type { JobHandler } from '../../jobs/job-runner.js';
import { fileLines, UnreadableFile } from './file-lines.js';

/** The job kind (and job id prefix) of an OCI availability import. */
export const OCI_IMPORT_JOB = 'OciAvailabilityImport';
/** Records applied per call of the applier (and per saved progress). */
const BATCH = 500;

/** What an import job was asked: the import to run. */
export interface ImportJobRequest {
  readonly importId: string;
  /** The file's layout: NDJSON (absent) or CSV (a Connect upload of a .csv file, csv-line.ts). */
  readonly format?: 'csv';
}

/** What a finished import job produced (its job result). */
export interface ImportJobResult extends ImportCounters {
  readonly status: OciResultStatus;
}

/**
 * The OCI availability import job: streams the stored file line by line, applies records through the
 * OciRecordApplier in batches, writes refused and invalid lines to the result file, and saves its
 * counters after each batch. A job resumed after a crash skips the lines it had consumed and drops the
 * error lines written after its last saved progress; a batch applied again changes nothing more (the
 * applier's idempotence). Lines that do not follow the file's layout (spec §4.2 forbids mixing the two)
 * are refused one by one. An unreadable file (a broken gzip stream) ends the import as FAILED, keeping
 * what was applied before the break.
 */
export function ociImportJob(
  store: OciImportStore,
  applier: OciRecordApplier,
  clock: () => Date,
): JobHandler {
  return async ({ job, saveProgress }) => {
    const { importId, format } = job.request as ImportJobRequest;
    const csv = format === 'csv';
    let columns: CsvColumns | undefined;
    const environmentId = job.environmentId;
    let saved = (job.progress as ImportCounters | null) ?? NO_COUNTERS;
    await store.deleteErrorsFrom(environmentId, importId, saved.errors);
    const entry = await store.get(environmentId, importId);
    if (!entry) return { message: `Import ${importId} was deleted.` };
    let current = { ...saved };
    let batch: OciAvailabilityRecord[] = [];
    let errors: string[] = [];
    const flush = async (lines: number) => {
      const refusals = await applier.apply(environmentId, importId, batch);
      for (const [i, refusal] of refusals.entries()) {
        const record = batch[i];
        if (!refusal || !record) continue;
        errors.push(
          errorLine(
            record.id,
            record.locationId,
            record.sku,
            refusal.message,
            csv ? refusal.errorCode : undefined,
          ),
        );
      }
      const refused = refusals.filter((r) => r !== null).length;
      await store.putErrors(environmentId, importId, saved.errors, errors);
      current = {
        ...current,
        lines,
        processed: current.processed + batch.length - refused,
        skipped: current.skipped + refused,
        errors: saved.errors + errors.length,
      };
      batch = [];
      errors = [];
      saved = current;
      if (!(await saveProgress(current)))
        throw new Error(`Import ${importId} was handed to another process.`);
    };
    let lineNo = 0;
    let unreadable: string | undefined;
    try {
      for await (const text of fileLines(store, environmentId, importId, entry.chunkCount)) {
        lineNo++;
        if (csv && columns === undefined) {
          // The header row (read again by a resumed job): columns, or the file cannot be read.
          if (text === null || text.trim() === '') {
            if (text === null) throw new UnreadableFile('The header row is longer than 1 MiB.');
            continue;
          }
          const header = readCsvHeader(text);
          if ('error' in header) throw new UnreadableFile(header.error);
          columns = header;
          continue;
        }
        if (lineNo <= saved.lines) continue;
        const line: ImportLine & { code?: string } =
          text === null
            ? { kind: 'error', message: 'The line is longer than 1 MiB.' }
            : columns
              ? readCsvRow(text, columns, clock())
              : readImportLine(text, current.location ?? undefined, clock());
        const layout = line.kind === 'header' ? 'legacy' : line.kind === 'record' ? line.layout : undefined;
        if (layout && current.layout && layout !== current.layout) {
          current = { ...current, read: current.read + 1, skipped: current.skipped + 1 };
          errors.push(errorLine(undefined, undefined, undefined, 'A file must not mix the two layouts.'));
        } else if (line.kind === 'header') {
          current = { ...current, location: line.location, layout: 'legacy' };
        } else if (line.kind === 'record') {
          current = { ...current, read: current.read + 1, layout: line.layout };
          batch.push(line.record);
        } else if (line.kind === 'error') {
          current = { ...current, read: current.read + 1, skipped: current.skipped + 1 };
          const code = csv ? (line.code ?? CSV_ERROR_CODES.malformed) : undefined;
          errors.push(errorLine(line.recordId, line.locationId, line.sku, line.message, code));
        }
        if (batch.length >= BATCH || errors.length >= BATCH) await flush(lineNo);
      }
    } catch (error) {
      if (!(error instanceof UnreadableFile)) throw error;
      unreadable = error.message;
    }
    await flush(lineNo);
    await store.deleteChunks(environmentId, importId);
    const status: OciResultStatus = unreadable
      ? 'FAILED'
      : current.skipped === 0
        ? 'COMPLETED_WITHOUT_ERRORS'
        : 'COMPLETED_WITH_PARTIAL_FAILURES';
    const result: ImportJobResult = { ...current, status };
    return {
      result,
      message: `${unreadable ? `${unreadable} ` : ''}Read ${current.read} records: ${current.processed} imported, ${current.skipped} skipped.`,
    };
  };
}

/** An error line of the result file (spec §4.2). */
function errorLine(
  recordId: string | undefined,
  locationId: string | undefined,
  sku: string | undefined,
  message: string,
  errorCode?: string,
): string {
  return JSON.stringify({
    ...(recordId === undefined ? {} : { recordId }),
    ...(locationId === undefined ? {} : { locationId }),
    ...(sku === undefined ? {} : { sku }),
    ...(errorCode === undefined ? {} : { errorCode }),
    message,
  });
}
