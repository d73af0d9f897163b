import type { NewOciImport, OciImportRecord, OciImportState } from './oci-import-store.js';

/** An oci_imports row as both backends return it. */
export interface OciImportRow {
  readonly environment_id: string;
  readonly import_id: string;
  readonly upload_link_id: string;
  readonly file_name: string;
  readonly file_encoding: string | null;
  readonly file_hash: string | null;
  readonly file_hash_type: string | null;
  readonly link_expires_at: string;
  readonly created_at: string;
  readonly state: string;
  readonly uploaded_at: string | null;
  readonly file_bytes: number | bigint | string;
  readonly chunk_count: number | bigint | string;
  readonly validation_error: string | null;
  readonly job_id: string | null;
}

export const OCI_IMPORT_COLUMNS = `environment_id, import_id, upload_link_id, file_name, file_encoding, file_hash,
  file_hash_type, link_expires_at, created_at, state, uploaded_at, file_bytes, chunk_count, validation_error, job_id`;

export function toOciImport(row: OciImportRow): OciImportRecord {
  return {
    environmentId: row.environment_id,
    importId: row.import_id,
    uploadLinkId: row.upload_link_id,
    fileName: row.file_name,
    fileEncoding: row.file_encoding,
    fileHash: row.file_hash,
    fileHashType: row.file_hash_type,
    linkExpiresAt: row.link_expires_at,
    createdAt: row.created_at,
    state: row.state as OciImportState,
    uploadedAt: row.uploaded_at,
    fileBytes: Number(row.file_bytes),
    chunkCount: Number(row.chunk_count),
    validationError: row.validation_error,
    jobId: row.job_id,
  };
}

/**
 * The one SQL form of "an abandoned upload" (docs/oci.md, "Abandoned uploads"), shared by claimUpload,
 * delete and both backends: RECEIVING with no chunk stored (nor claim made) since `staleBefore`, the
 * placeholder given.
 */
export function staleReceiving(staleBefore: string): string {
  return `(state = 'RECEIVING' AND uploaded_at < ${staleBefore})`;
}

/** The SQL condition under which OciImportStore.delete deletes (placeholders for staleBefore, uploaded). */
export function deletableImport(staleBefore: string, uploaded: string): string {
  return `(state = 'WAITING' OR ${staleReceiving(staleBefore)} OR (state = 'UPLOADED' AND ${uploaded} = 1))`;
}

/** The values of a new import's row, in OCI_IMPORT_COLUMNS order up to `created_at`. */
export function newImportValues(r: NewOciImport): (string | null)[] {
  return [
    r.environmentId,
    r.importId,
    r.uploadLinkId,
    r.fileName,
    r.fileEncoding,
    r.fileHash,
    r.fileHashType,
    r.linkExpiresAt,
    r.createdAt,
  ];
}

/** The values of a restored import's row (`onhand import`), in OCI_IMPORT_COLUMNS order. */
export function importValues(r: OciImportRecord): (string | number | null)[] {
  return [
    ...newImportValues(r),
    r.state,
    r.uploadedAt,
    r.fileBytes,
    r.chunkCount,
    r.validationError,
    r.jobId,
  ];
}
