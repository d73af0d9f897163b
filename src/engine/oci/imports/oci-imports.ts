import { createHash, randomUUID } from 'node:crypto';
import {
  type ImportCounters,
  importStatus,
  NO_COUNTERS,
  type OciImportStatus,
  type OciResultStatus,
} from '../../../domain/oci/imports/import-status.js';
import type { JobRecord } from '../../../store/jobs/job-store.js';
import type { OciImportRecord } from '../../../store/oci-imports/oci-import-store.js';
import type { Store } from '../../../store/store.js';
import type { Environments } from '../../environments.js';
import type { JobRunner } from '../../jobs/job-runner.js';
import { type ImportJobRequest, type ImportJobResult, OCI_IMPORT_JOB } from './import-job.js';

/** Stored chunk size of an uploaded file. */
export const CHUNK_BYTES = 1024 * 1024;
/** Largest upload accepted (the gateway limit of spec §4.1; compress larger files). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** How long a result file stays available after its import ended. */
export const RESULT_TTL_MS = 24 * 3600 * 1000;
/** An upload that has received nothing for this long is taken as abandoned (its process died). */
const STALE_UPLOAD_MS = 10 * 60 * 1000;

/** Why an import request is refused; the OCI routes turn these into the spec's problems. */
export type ImportRefusalReason =
  | 'not_found'
  | 'already_received'
  | 'expired_link'
  | 'in_progress'
  | 'expired_result'
  | 'too_large';

export class OciImportRefusal extends Error {
  constructor(
    readonly reason: ImportRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'OciImportRefusal';
  }
}

/** What POST …/imports asks. */
export interface ImportRequest {
  readonly fileName: string;
  /** Minutes the upload link is valid (1-60; default 60). */
  readonly linkDuration?: number | undefined;
  readonly fileEncoding?: string | undefined;
  readonly fileHash?: string | undefined;
  readonly fileHashType?: 'SHA-256' | 'SHA-512' | undefined;
}

/** An import as its status reports it. */
export interface ImportView {
  readonly record: OciImportRecord;
  readonly status: OciImportStatus;
  readonly counters: ImportCounters;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly resultStatus: OciResultStatus | null;
  readonly resultExpiresAt: string | null;
}

/**
 * OCI availability imports (spec §4.1, docs/oci.md "Availability imports"): an import is initiated,
 * its file uploaded (stored in the database in 1 MiB chunks as it arrives, never whole in memory), then
 * run as a job of the jobs table by any server process (engine/oci/imports/import-job.ts).
 */
export class OciImports {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly clock: () => Date,
    private readonly runner: JobRunner,
  ) {}

  async initiate(environmentId: string, request: ImportRequest): Promise<OciImportRecord> {
    await this.environments.get(environmentId);
    const now = this.clock();
    const minutes = request.linkDuration ?? 60;
    const hashType = request.fileHash === undefined ? null : (request.fileHashType ?? 'SHA-256');
    const record = {
      environmentId,
      importId: randomUUID(),
      uploadLinkId: randomUUID(),
      fileName: request.fileName,
      fileEncoding: request.fileEncoding ?? null,
      fileHash: request.fileHash ?? null,
      fileHashType: hashType,
      linkExpiresAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
      createdAt: now.toISOString(),
    };
    await this.store.ociImports.create(record);
    return {
      ...record,
      state: 'WAITING',
      uploadedAt: null,
      fileBytes: 0,
      chunkCount: 0,
      validationError: null,
      jobId: null,
    };
  }

  /**
   * Receives the file of an upload link, storing it chunk by chunk, then queues its import job (in the
   * same transaction that marks it uploaded). A file over MAX_UPLOAD_BYTES or a broken stream stores
   * nothing and leaves the link usable.
   */
  async receive(
    environmentId: string,
    uploadLinkId: string,
    file: AsyncIterable<Buffer>,
    format?: 'csv',
  ): Promise<ImportView> {
    await this.environments.get(environmentId);
    const imports = this.store.ociImports;
    const entry = await imports.byUploadLink(environmentId, uploadLinkId);
    if (!entry) throw new OciImportRefusal('not_found', 'No import has this upload link.');
    const now = this.clock();
    if (entry.state === 'UPLOADED') {
      throw new OciImportRefusal(
        'already_received',
        'The file for this uploadLink has already been received.',
      );
    }
    if (Date.parse(entry.linkExpiresAt) <= now.getTime()) {
      throw new OciImportRefusal('expired_link', 'The upload link has expired or is no longer valid.');
    }
    const stale = new Date(now.getTime() - STALE_UPLOAD_MS).toISOString();
    if (!(await imports.claimUpload(environmentId, entry.importId, now.toISOString(), stale))) {
      throw new OciImportRefusal('already_received', 'A file for this uploadLink is being received.');
    }
    const hash = entry.fileHashType
      ? createHash(entry.fileHashType === 'SHA-512' ? 'sha512' : 'sha256')
      : undefined;
    let bytes = 0;
    let chunks = 0;
    try {
      let pending: Buffer[] = [];
      let size = 0;
      const store = async (data: Buffer) => {
        await imports.appendChunk(environmentId, entry.importId, chunks, data);
        chunks++;
      };
      for await (const piece of file) {
        bytes += piece.length;
        if (bytes > MAX_UPLOAD_BYTES) {
          throw new OciImportRefusal(
            'too_large',
            `The file is larger than ${MAX_UPLOAD_BYTES} bytes; send it gzip-compressed.`,
          );
        }
        hash?.update(piece);
        pending.push(piece);
        size += piece.length;
        while (size >= CHUNK_BYTES) {
          const all = Buffer.concat(pending, size);
          await store(all.subarray(0, CHUNK_BYTES));
          pending = [all.subarray(CHUNK_BYTES)];
          size = all.length - CHUNK_BYTES;
        }
      }
      if (size > 0) await store(Buffer.concat(pending, size));
    } catch (error) {
      await imports.releaseUpload(environmentId, entry.importId);
      throw error;
    }
    const digest = hash?.digest('hex');
    const validationError =
      digest !== undefined && digest.toLowerCase() !== entry.fileHash?.toLowerCase()
        ? `The file's ${entry.fileHashType} hash does not match fileHash.`
        : null;
    const request: ImportJobRequest = { importId: entry.importId, ...(format ? { format } : {}) };
    const uploadedAt = this.clock().toISOString();
    const completed = await imports.completeUpload(environmentId, entry.importId, {
      uploadedAt,
      fileBytes: bytes,
      chunkCount: chunks,
      validationError,
      job: validationError
        ? null
        : {
            environmentId,
            jobId: `${OCI_IMPORT_JOB}:${entry.importId}`,
            kind: OCI_IMPORT_JOB,
            request,
            createdAt: uploadedAt,
          },
    });
    if (!completed) {
      // Deleted as abandoned while the file arrived: its chunks stored since are dropped too.
      if (!(await imports.get(environmentId, entry.importId)))
        await imports.deleteChunks(environmentId, entry.importId);
      throw new OciImportRefusal('not_found', 'The import was deleted while its file was arriving.');
    }
    if (validationError) await imports.deleteChunks(environmentId, entry.importId);
    // The status as received (PENDING, or FAILED validation), before the runner may start the job.
    const received = await this.status(environmentId, entry.importId);
    if (!validationError) this.runner.notify();
    return received;
  }

  async status(environmentId: string, importId: string): Promise<ImportView> {
    await this.environments.get(environmentId);
    const record = await this.store.ociImports.get(environmentId, importId);
    if (!record) throw new OciImportRefusal('not_found', `No import "${importId}".`);
    const job = record.jobId ? await this.store.jobs.get(environmentId, record.jobId) : undefined;
    return this.#view(record, job);
  }

  /** Import ids, oldest first; `available`: only those whose upload link can still be used. */
  async list(environmentId: string, available: boolean): Promise<string[]> {
    await this.environments.get(environmentId);
    const now = this.clock().getTime();
    const all = await this.store.ociImports.list(environmentId);
    return all
      .filter((r) => !available || (r.state === 'WAITING' && Date.parse(r.linkExpiresAt) > now))
      .map((r) => r.importId);
  }

  /**
   * Deletes an import that is not running (in_progress while PENDING or RUNNING, or while its file is
   * arriving; an upload claimed more than STALE_UPLOAD_MS ago is taken as abandoned, as receive does).
   */
  async delete(environmentId: string, importId: string): Promise<void> {
    const view = await this.status(environmentId, importId);
    const { state, uploadedAt } = view.record;
    const staleBefore = this.clock().getTime() - STALE_UPLOAD_MS;
    const arriving = state === 'RECEIVING' && (uploadedAt === null || Date.parse(uploadedAt) >= staleBefore);
    if (view.status === 'PENDING' || view.status === 'RUNNING' || arriving) {
      throw new OciImportRefusal('in_progress', `Import ${importId} is in progress.`);
    }
    await this.store.ociImports.delete(environmentId, importId);
  }

  /** The result file, line by line: its status line, then one line per refused record. */
  async *result(environmentId: string, importId: string): AsyncGenerator<string> {
    const view = await this.status(environmentId, importId);
    if (
      view.status === 'WAITING' ||
      view.status === 'EXPIRED' ||
      view.status === 'PENDING' ||
      view.status === 'RUNNING'
    ) {
      throw new OciImportRefusal('in_progress', `Import ${importId} is in progress.`);
    }
    if (view.resultExpiresAt && Date.parse(view.resultExpiresAt) <= this.clock().getTime()) {
      throw new OciImportRefusal('expired_result', 'The result file of this import has expired.');
    }
    yield JSON.stringify({ status: view.resultStatus ?? 'FAILED' });
    let after = -1;
    for (;;) {
      const page = await this.store.ociImports.readErrors(environmentId, importId, after, 1000);
      for (const row of page) yield row.line;
      if (page.length < 1000) return;
      after = page[page.length - 1]?.seq ?? after;
    }
  }

  #view(record: OciImportRecord, job: JobRecord | undefined): ImportView {
    const result = job?.result as ImportJobResult | null | undefined;
    const status = importStatus(
      {
        state: record.state,
        linkExpiresAt: record.linkExpiresAt,
        validationError: record.validationError,
        jobStatus: job?.status,
        resultStatus: result?.status,
      },
      this.clock(),
    );
    const counters = result ?? (job?.progress as ImportCounters | null | undefined) ?? NO_COUNTERS;
    const endedAt = job?.completedAt ?? (record.validationError ? record.uploadedAt : null);
    const resultStatus: OciResultStatus | null =
      status === 'COMPLETED'
        ? (result?.status ?? 'COMPLETED_WITHOUT_ERRORS')
        : status === 'FAILED'
          ? 'FAILED'
          : null;
    return {
      record,
      status,
      counters,
      startedAt: job?.startedAt ?? null,
      endedAt,
      resultStatus,
      resultExpiresAt: endedAt ? new Date(Date.parse(endedAt) + RESULT_TTL_MS).toISOString() : null,
    };
  }
}
