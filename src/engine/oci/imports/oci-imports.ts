import { randomUUID } from 'node:crypto';
import {
  type ImportCounters,
  importStatus,
  NO_COUNTERS,
  type OciImportStatus,
  type OciResultStatus,
} from '../../../domain/oci/imports/import-status.js';
import type { JobRecord } from '../../../store/jobs/job-store.js';
import { NOTHING_UPLOADED, type OciImportRecord } from '../../../store/oci-imports/oci-import-store.js';
import type { Store } from '../../../store/store.js';
import type { Environments } from '../../environments.js';
import type { JobRunner } from '../../jobs/job-runner.js';
import type { ImportJobResult } from './import-job.js';
import { OciImportRefusal } from './import-refusal.js';
import { isStaleReceiving, receiveUpload, staleBefore } from './oci-import-upload.js';

export { type ImportRefusalReason, OciImportRefusal } from './import-refusal.js';
export { CHUNK_BYTES, MAX_UPLOAD_BYTES } from './oci-import-upload.js';

/** How long a result file stays available after its import ended. */
export const RESULT_TTL_MS = 24 * 3600 * 1000;

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
    return { ...record, ...NOTHING_UPLOADED };
  }

  /**
   * Receives the file of an upload link (oci-import-upload.ts), then answers its status as received
   * (PENDING, or FAILED validation) before the runner may start the job.
   */
  async receive(
    environmentId: string,
    uploadLinkId: string,
    file: AsyncIterable<Buffer>,
    format?: 'csv',
  ): Promise<ImportView> {
    await this.environments.get(environmentId);
    const deps = { imports: this.store.ociImports, clock: this.clock };
    const importId = await receiveUpload(deps, environmentId, uploadLinkId, file, format);
    const received = await this.status(environmentId, importId);
    if (received.record.validationError === null) this.runner.notify();
    return received;
  }

  async status(environmentId: string, importId: string): Promise<ImportView> {
    await this.environments.get(environmentId);
    const record = await this.store.ociImports.get(environmentId, importId);
    if (!record) throw new OciImportRefusal('not_found', `No import "${importId}".`);
    const job = record.jobId ? await this.store.jobs.get(environmentId, record.jobId) : undefined;
    return this.#view(record, job);
  }

  /**
   * Import ids, oldest first; `available`: only those whose upload link can still take a file (valid,
   * and WAITING or its upload abandoned).
   */
  async list(environmentId: string, available: boolean): Promise<string[]> {
    await this.environments.get(environmentId);
    const now = this.clock();
    const all = await this.store.ociImports.list(environmentId);
    const takesFile = (r: OciImportRecord) =>
      (r.state === 'WAITING' || isStaleReceiving(r, now)) && Date.parse(r.linkExpiresAt) > now.getTime();
    return all.filter((r) => !available || takesFile(r)).map((r) => r.importId);
  }

  /**
   * Deletes an import that is not running (in_progress while PENDING or RUNNING, or while its file is
   * arriving; an upload that stored no chunk for STALE_UPLOAD_MS is taken as abandoned, as receive
   * does). The store deletes only while the state it was seen in still allows it: a file that arrived
   * or completed meanwhile makes it in_progress.
   */
  async delete(environmentId: string, importId: string): Promise<void> {
    const view = await this.status(environmentId, importId);
    const now = this.clock();
    const { state } = view.record;
    const arriving = state === 'RECEIVING' && !isStaleReceiving(view.record, now);
    if (view.status === 'PENDING' || view.status === 'RUNNING' || arriving) {
      throw new OciImportRefusal('in_progress', `Import ${importId} is in progress.`);
    }
    const allowed = { staleBefore: staleBefore(now), uploaded: state === 'UPLOADED' };
    if (await this.store.ociImports.delete(environmentId, importId, allowed)) return;
    await this.status(environmentId, importId); // not_found when deleted beside this one
    throw new OciImportRefusal('in_progress', `Import ${importId} is in progress.`);
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
