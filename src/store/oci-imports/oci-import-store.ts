import type { NewJob } from '../jobs/job-store.js';

/**
 * OCI availability imports' side of the Store port (docs/oci.md, "Availability imports"): the import
 * rows, the uploaded file as numbered chunks and the error lines of the result file. Everything is in
 * the database, so any server process sharing it can receive an upload, run the import job (a row of
 * the jobs table) or serve a result.
 */
export interface OciImportStore {
  create(record: NewOciImport): Promise<void>;
  /** Writes an import as it was exported (`onhand import`), every field kept; its job is restored apart. */
  restore(record: OciImportRecord): Promise<void>;
  get(environmentId: string, importId: string): Promise<OciImportRecord | undefined>;
  /** The import an upload link id belongs to. */
  byUploadLink(environmentId: string, uploadLinkId: string): Promise<OciImportRecord | undefined>;
  /** Every import of the environment, oldest first. */
  list(environmentId: string): Promise<OciImportRecord[]>;
  /**
   * Takes the upload for the claim `claim` (a token new to each claim): WAITING → RECEIVING, only while
   * the link is valid at `now`, or RECEIVING whose last chunk (or claim) is older than `staleBefore` (the
   * receiving process died: STALE_RECEIVING); the chunks stored are dropped in the same transaction.
   * False when the import is not waiting.
   */
  claimUpload(
    environmentId: string,
    importId: string,
    claim: string,
    now: string,
    staleBefore: string,
  ): Promise<boolean>;
  /** Gives a failed upload back: RECEIVING → WAITING and its chunks dropped, only while `claim` holds it. */
  releaseUpload(environmentId: string, importId: string, claim: string): Promise<void>;
  /**
   * Stores chunk `seq` of the upload held by `claim` and sets the claim's time to `now` (a heartbeat:
   * an upload is abandoned when no chunk arrived for the stale time). False, storing nothing, when the
   * claim no longer holds the import (deleted, or overtaken as abandoned).
   */
  appendChunk(
    environmentId: string,
    importId: string,
    claim: string,
    seq: number,
    data: Uint8Array,
    now: string,
  ): Promise<boolean>;
  /** Writes a chunk as it was exported (`onhand import`). */
  restoreChunk(environmentId: string, importId: string, seq: number, data: Uint8Array): Promise<void>;
  /**
   * Ends the upload held by `claim`: RECEIVING → UPLOADED with the file's size, chunk count and
   * validation error, and inserts `job` (the import job, null when validation failed) in the same
   * transaction. False, writing nothing, when the claim no longer holds the import (deleted, or
   * overtaken as abandoned, while its file arrived).
   */
  completeUpload(
    environmentId: string,
    importId: string,
    claim: string,
    upload: CompletedUpload,
  ): Promise<boolean>;
  /** Chunk `seq` of the file, or undefined past the end. */
  readChunk(environmentId: string, importId: string, seq: number): Promise<Uint8Array | undefined>;
  /** Drops the file once imported (the result file stays). */
  deleteChunks(environmentId: string, importId: string): Promise<void>;
  /** Stores error lines numbered from `fromSeq` (replacing lines of those numbers). */
  putErrors(
    environmentId: string,
    importId: string,
    fromSeq: number,
    lines: readonly string[],
  ): Promise<void>;
  /** Drops error lines numbered `fromSeq` and above (a resumed job writes them again). */
  deleteErrorsFrom(environmentId: string, importId: string, fromSeq: number): Promise<void>;
  /** Error lines numbered above `afterSeq`, in order, at most `limit`. */
  readErrors(
    environmentId: string,
    importId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ seq: number; line: string }[]>;
  /**
   * Deletes the import, its file and its error lines, in one transaction and only while its state still
   * allows it: WAITING, RECEIVING whose last chunk (or claim) is older than `staleBefore`
   * (STALE_RECEIVING), or, when `uploaded` (the caller saw it UPLOADED with its job ended: neither ever
   * goes back), UPLOADED. False, deleting nothing, otherwise (a file arrived or completed meanwhile).
   */
  delete(environmentId: string, importId: string, allowed: DeletableImport): Promise<boolean>;
}

/** What OciImportStore.delete may delete. */
export interface DeletableImport {
  readonly staleBefore: string;
  readonly uploaded: boolean;
}

/** WAITING: no file yet; RECEIVING: a file is arriving; UPLOADED: the file is stored (the job runs it). */
export type OciImportState = 'WAITING' | 'RECEIVING' | 'UPLOADED';

export interface NewOciImport {
  readonly environmentId: string;
  readonly importId: string;
  readonly uploadLinkId: string;
  readonly fileName: string;
  readonly fileEncoding: string | null;
  readonly fileHash: string | null;
  readonly fileHashType: string | null;
  readonly linkExpiresAt: string;
  readonly createdAt: string;
}

export interface OciImportRecord extends NewOciImport {
  readonly state: OciImportState;
  /** When the upload last stored a chunk or was claimed (RECEIVING), or completed (UPLOADED). */
  readonly uploadedAt: string | null;
  readonly fileBytes: number;
  readonly chunkCount: number;
  /** Why the file was refused before import (hash mismatch), or null. */
  readonly validationError: string | null;
  /** The import job's id once uploaded. */
  readonly jobId: string | null;
}

/** The fields of an import waiting for its file, nothing of it uploaded (as create leaves it). */
export const NOTHING_UPLOADED = {
  state: 'WAITING',
  uploadedAt: null,
  fileBytes: 0,
  chunkCount: 0,
  validationError: null,
  jobId: null,
} as const satisfies Omit<OciImportRecord, keyof NewOciImport>;

export interface CompletedUpload {
  readonly uploadedAt: string;
  readonly fileBytes: number;
  readonly chunkCount: number;
  readonly validationError: string | null;
  readonly job: NewJob | null;
}
