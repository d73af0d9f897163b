import { createHash, randomUUID } from 'node:crypto';
import type { OciImportRecord, OciImportStore } from '../../../store/oci-imports/oci-import-store.js';
import { type ImportJobRequest, OCI_IMPORT_JOB } from './import-job.js';
import { OciImportRefusal } from './import-refusal.js';

/** Stored chunk size of an uploaded file. */
export const CHUNK_BYTES = 1024 * 1024;
/** Largest upload accepted (the gateway limit of spec §4.1; compress larger files). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/**
 * An upload that has stored no chunk (nor been claimed) for this long is taken as abandoned (its
 * process died): its link takes a file again and its import can be deleted (docs/oci.md, "Abandoned
 * uploads"). Each chunk stored refreshes the time.
 */
export const STALE_UPLOAD_MS = 10 * 60 * 1000;

/** The time before which a RECEIVING upload is abandoned, as the store compares it. */
export function staleBefore(now: Date): string {
  return new Date(now.getTime() - STALE_UPLOAD_MS).toISOString();
}

/** Whether an import's upload is RECEIVING and abandoned at `now` (the store's STALE_RECEIVING, in code). */
export function isStaleReceiving(record: OciImportRecord, now: Date): boolean {
  return record.state === 'RECEIVING' && record.uploadedAt !== null && record.uploadedAt < staleBefore(now);
}

/** What receiving a file needs. */
export interface UploadDeps {
  readonly imports: OciImportStore;
  readonly clock: () => Date;
}

/**
 * Receives the file of an upload link under a claim of its own, storing it chunk by chunk (each chunk
 * stored only while the claim still holds the import), then queues its import job in the same
 * transaction that marks it uploaded. A file over MAX_UPLOAD_BYTES or a broken stream stores nothing
 * and leaves the link usable. Returns the import id once uploaded (the file may have failed validation).
 */
export async function receiveUpload(
  deps: UploadDeps,
  environmentId: string,
  uploadLinkId: string,
  file: AsyncIterable<Buffer>,
  format?: 'csv',
): Promise<string> {
  const { imports, clock } = deps;
  const entry = await imports.byUploadLink(environmentId, uploadLinkId);
  if (!entry) throw new OciImportRefusal('not_found', 'No import has this upload link.');
  const now = clock();
  if (entry.state === 'UPLOADED') {
    throw new OciImportRefusal('already_received', 'The file for this uploadLink has already been received.');
  }
  if (Date.parse(entry.linkExpiresAt) <= now.getTime()) {
    throw new OciImportRefusal('expired_link', 'The upload link has expired or is no longer valid.');
  }
  const { importId } = entry;
  const claim = randomUUID();
  if (!(await imports.claimUpload(environmentId, importId, claim, now.toISOString(), staleBefore(now)))) {
    // Read again: a delete or another upload may have finished between the read above and the claim.
    const current = await imports.get(environmentId, importId);
    if (!current) throw new OciImportRefusal('not_found', 'No import has this upload link.');
    if (current.state === 'UPLOADED') {
      throw new OciImportRefusal(
        'already_received',
        'The file for this uploadLink has already been received.',
      );
    }
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
      if (!(await imports.appendChunk(environmentId, importId, claim, chunks, data, clock().toISOString())))
        throw await lostClaim(imports, environmentId, importId);
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
    // Gives the link back only while this claim still holds it (an overtaking upload keeps its file).
    await imports.releaseUpload(environmentId, importId, claim);
    throw error;
  }
  const digest = hash?.digest('hex');
  const validationError =
    digest !== undefined && digest.toLowerCase() !== entry.fileHash?.toLowerCase()
      ? `The file's ${entry.fileHashType} hash does not match fileHash.`
      : null;
  const request: ImportJobRequest = { importId, ...(format ? { format } : {}) };
  const uploadedAt = clock().toISOString();
  const completed = await imports.completeUpload(environmentId, importId, claim, {
    uploadedAt,
    fileBytes: bytes,
    chunkCount: chunks,
    validationError,
    job: validationError
      ? null
      : {
          environmentId,
          jobId: `${OCI_IMPORT_JOB}:${importId}`,
          kind: OCI_IMPORT_JOB,
          request,
          createdAt: uploadedAt,
        },
  });
  if (!completed) throw await lostClaim(imports, environmentId, importId);
  if (validationError) await imports.deleteChunks(environmentId, importId);
  return importId;
}

/**
 * Why an upload's claim no longer holds its import: deleted as abandoned (404 EntityNotFound; the
 * delete dropped the chunks with it), or overtaken by another upload as abandoned (409
 * FileAlreadyReceived; the chunks are the other upload's).
 */
async function lostClaim(imports: OciImportStore, environmentId: string, importId: string): Promise<Error> {
  if (!(await imports.get(environmentId, importId)))
    return new OciImportRefusal('not_found', 'The import was deleted while its file was arriving.');
  return new OciImportRefusal(
    'already_received',
    'Another upload took this uploadLink after this one stored nothing for 10 minutes.',
  );
}
