import type { JobRecord, JobStatus } from '../../store/jobs/job-store.js';
import {
  NOTHING_UPLOADED,
  type OciImportRecord,
  type OciImportState,
} from '../../store/oci-imports/oci-import-store.js';
import type { Store } from '../../store/store.js';
import { OCI_IMPORT_JOB } from '../oci/imports/import-job.js';
import type { RecordReader } from './record-reader.js';
import { TransferError } from './transfer-error.js';

/*
 * The availability imports of the Impex API (and Connect uploads) in an export file, in its OCI section
 * after the other OCI records (oci-records.ts; docs/configuration.md): each import ("oci-import", with
 * its job's state), the lines of its result file ("oci-import-error"), and the uploaded file of an
 * import not yet run to its end ("oci-import-chunk", base64, at most 1 MiB each; a finished import's
 * file is deleted by its job). Files of earlier releases hold none of them and still import.
 *
 * An import whose file was arriving (RECEIVING) travels as WAITING for its file: the part received is
 * not in the file and the request receiving it belongs to the source, so in the copy the upload has not
 * begun; its link takes a file at once and the import can be deleted (docs/oci.md). Files of earlier
 * releases that hold RECEIVING import the same way.
 */

export const OCI_IMPORT_RECORD_TYPES = ['oci-import', 'oci-import-error', 'oci-import-chunk'] as const;

/** An import's job as exported: what restoring it needs. */
export type ExportedJob = Omit<JobRecord, 'environmentId' | 'owner' | 'leaseUntil'>;

/** One import record, decoded. */
export type OciImportItem =
  | {
      readonly kind: 'import';
      readonly record: Omit<OciImportRecord, 'environmentId'>;
      readonly job: ExportedJob | null;
    }
  | { readonly kind: 'importError'; readonly importId: string; readonly seq: number; readonly line: string }
  | { readonly kind: 'importChunk'; readonly importId: string; readonly seq: number; readonly data: Buffer };

const STATES: ReadonlySet<string> = new Set(['WAITING', 'RECEIVING', 'UPLOADED']);
const JOB_STATUSES: ReadonlySet<string> = new Set(['Queued', 'Running', 'Completed', 'Failed']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Writes the environment's imports through `send`; their number of records. */
export async function exportOciImports(
  store: Store,
  environmentId: string,
  pageSize: number,
  send: (records: Record<string, unknown>[]) => Promise<void>,
): Promise<number> {
  let count = 0;
  const emit = async (records: Record<string, unknown>[]) => {
    if (records.length === 0) return;
    await send(records);
    count += records.length;
  };
  for (const stored of await store.ociImports.list(environmentId)) {
    const record = notReceiving(stored);
    const { environmentId: _, ...fields } = record;
    const job = record.jobId ? await store.jobs.get(environmentId, record.jobId) : undefined;
    const exportedJob: ExportedJob | null = job
      ? {
          jobId: job.jobId,
          kind: job.kind,
          request: job.request,
          status: job.status,
          progress: job.progress,
          result: job.result,
          message: job.message,
          createdAt: job.createdAt,
          startedAt: job.startedAt,
          completedAt: job.completedAt,
          attempts: job.attempts,
        }
      : null;
    await emit([{ type: 'oci-import', ...fields, job: exportedJob }]);
    for (let after = -1; ; ) {
      const page = await store.ociImports.readErrors(environmentId, record.importId, after, pageSize);
      await emit(
        page.map((e) => ({ type: 'oci-import-error', importId: record.importId, seq: e.seq, line: e.line })),
      );
      if (page.length < pageSize) break;
      after = page[page.length - 1]?.seq ?? after;
    }
    // The file is kept until the job ends (it deletes it): a restored import can still run.
    const finished = job?.status === 'Completed' || job?.status === 'Failed';
    if (record.state !== 'UPLOADED' || finished) continue;
    for (let seq = 0; seq < record.chunkCount; seq++) {
      const data = await store.ociImports.readChunk(environmentId, record.importId, seq);
      if (!data) continue;
      const base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
      await emit([{ type: 'oci-import-chunk', importId: record.importId, seq, data: base64 }]);
    }
  }
  return count;
}

/** Decodes one import record (its type is one of OCI_IMPORT_RECORD_TYPES). */
export function decodeOciImport(r: RecordReader, type: string): OciImportItem {
  if (type === 'oci-import-error')
    return {
      kind: 'importError',
      importId: r.string('importId'),
      seq: r.integer('seq'),
      line: r.string('line'),
    };
  if (type === 'oci-import-chunk') {
    const data = r.string('data');
    if (!BASE64.test(data)) throw new TransferError('"data" of an import chunk must be base64.', r.line);
    return {
      kind: 'importChunk',
      importId: r.string('importId'),
      seq: r.integer('seq'),
      data: Buffer.from(data, 'base64'),
    };
  }
  const state = r.string('state');
  if (!STATES.has(state)) throw new TransferError('"state" must be WAITING, RECEIVING or UPLOADED.', r.line);
  const record: Omit<OciImportRecord, 'environmentId'> = {
    importId: r.string('importId'),
    uploadLinkId: r.string('uploadLinkId'),
    fileName: r.string('fileName'),
    fileEncoding: r.nullableString('fileEncoding'),
    fileHash: r.nullableString('fileHash'),
    fileHashType: r.nullableString('fileHashType'),
    linkExpiresAt: r.string('linkExpiresAt'),
    createdAt: r.string('createdAt'),
    state: state as OciImportState,
    uploadedAt: r.nullableString('uploadedAt'),
    fileBytes: r.integer('fileBytes'),
    chunkCount: r.integer('chunkCount'),
    validationError: r.nullableString('validationError'),
    jobId: r.nullableString('jobId'),
  };
  if (r.raw('job') === null || r.absent('job')) return { kind: 'import', record, job: null };
  const j = r.object('job');
  const status = j.string('status');
  if (!JOB_STATUSES.has(status))
    throw new TransferError('"status" of an import job is not a job status.', r.line);
  // Only an import's own job is restored: a file cannot queue a job of another kind or another import.
  if (j.string('kind') !== OCI_IMPORT_JOB)
    throw new TransferError(`"kind" of an import's job must be ${OCI_IMPORT_JOB}.`, r.line);
  const request = j.raw('request');
  if (!isOwnRequest(request, record.importId))
    throw new TransferError('"request" of an import\'s job must name the import\'s own importId.', r.line);
  const job: ExportedJob = {
    jobId: j.string('jobId'),
    kind: OCI_IMPORT_JOB,
    request,
    status: status as JobStatus,
    progress: j.raw('progress') ?? null,
    result: j.raw('result') ?? null,
    message: j.text('message'),
    createdAt: j.string('createdAt'),
    startedAt: j.nullableString('startedAt'),
    completedAt: j.nullableString('completedAt'),
    attempts: j.integer('attempts'),
  };
  if (job.jobId !== record.jobId)
    throw new TransferError('"job.jobId" must be the import\'s "jobId".', r.line);
  return { kind: 'import', record, job };
}

/**
 * Writes decoded import records (outside the batch's transaction: these tables have stores of their
 * own; a failed import deletes them with the other data of the environment). Jobs are returned, to be
 * restored once the environment exists (so no runner takes one for an environment that is not there).
 */
export async function writeOciImports(
  store: Store,
  environmentId: string,
  items: readonly OciImportItem[],
): Promise<JobRecord[]> {
  const jobs: JobRecord[] = [];
  for (const item of items) {
    if (item.kind === 'import') {
      const record = notReceiving({ ...item.record, environmentId });
      await store.ociImports.restore(record);
      if (item.job && record.jobId !== null)
        jobs.push({ ...item.job, environmentId, owner: null, leaseUntil: null });
    } else if (item.kind === 'importError') {
      await store.ociImports.putErrors(environmentId, item.importId, item.seq, [item.line]);
    } else await store.ociImports.restoreChunk(environmentId, item.importId, item.seq, item.data);
  }
  return jobs;
}

/** An upload that was arriving, as an import still waiting for its file (it has no job yet). */
function notReceiving<R extends Omit<OciImportRecord, 'environmentId'>>(record: R): R {
  if (record.state !== 'RECEIVING') return record;
  return { ...record, ...NOTHING_UPLOADED };
}

/** An import job's request names the import it runs (engine/oci/imports/oci-imports.ts). */
function isOwnRequest(request: unknown, importId: string): boolean {
  return (
    typeof request === 'object' &&
    request !== null &&
    (request as { importId?: unknown }).importId === importId
  );
}
