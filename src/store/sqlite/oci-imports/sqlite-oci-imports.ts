import type Database from 'better-sqlite3';
import { jobJson } from '../../jobs/job-rows.js';
import {
  deletableImport,
  importValues,
  newImportValues,
  OCI_IMPORT_COLUMNS,
  type OciImportRow,
  staleReceiving,
  toOciImport,
} from '../../oci-imports/oci-import-rows.js';
import type {
  CompletedUpload,
  DeletableImport,
  NewOciImport,
  OciImportRecord,
  OciImportStore,
} from '../../oci-imports/oci-import-store.js';
import type { SqliteSideDeps } from '../side-deps.js';

const KEY = 'environment_id = ? AND import_id = ?';

/** OCI availability imports on SQLite (see OciImportStore). */
export class SqliteOciImports implements OciImportStore {
  constructor(private readonly deps: SqliteSideDeps) {}

  async create(r: NewOciImport): Promise<void> {
    await this.deps.write((db) =>
      db
        .prepare(
          `INSERT INTO oci_imports (${OCI_IMPORT_COLUMNS})
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'WAITING', NULL, 0, 0, NULL, NULL)`,
        )
        .run(...newImportValues(r)),
    );
  }

  async restore(r: OciImportRecord): Promise<void> {
    await this.deps.write((db) =>
      db
        .prepare(
          `INSERT INTO oci_imports (${OCI_IMPORT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...importValues(r)),
    );
  }

  async get(environmentId: string, importId: string): Promise<OciImportRecord | undefined> {
    return this.#one('import_id', environmentId, importId);
  }

  async byUploadLink(environmentId: string, uploadLinkId: string): Promise<OciImportRecord | undefined> {
    return this.#one('upload_link_id', environmentId, uploadLinkId);
  }

  async list(environmentId: string): Promise<OciImportRecord[]> {
    return this.deps
      .reader()
      .prepare<[string], OciImportRow>(
        `SELECT ${OCI_IMPORT_COLUMNS} FROM oci_imports WHERE environment_id = ? ORDER BY created_at, import_id`,
      )
      .all(environmentId)
      .map(toOciImport);
  }

  async claimUpload(
    environmentId: string,
    importId: string,
    claim: string,
    now: string,
    staleBefore: string,
  ): Promise<boolean> {
    return this.deps.write((db) =>
      db.transaction(() => {
        const claimed = db
          .prepare(
            `UPDATE oci_imports SET state = 'RECEIVING', uploaded_at = ?, claim_id = ?
             WHERE ${KEY} AND link_expires_at > ? AND (state = 'WAITING' OR ${staleReceiving('?')})`,
          )
          .run(now, claim, environmentId, importId, now, staleBefore).changes;
        if (claimed === 1) this.#dropChunks(db, environmentId, importId);
        return claimed === 1;
      })(),
    );
  }

  async releaseUpload(environmentId: string, importId: string, claim: string): Promise<void> {
    await this.deps.write((db) =>
      db.transaction(() => {
        const released = db
          .prepare(
            `UPDATE oci_imports SET state = 'WAITING', uploaded_at = NULL, claim_id = NULL
             WHERE ${KEY} AND state = 'RECEIVING' AND claim_id = ?`,
          )
          .run(environmentId, importId, claim).changes;
        if (released === 1) this.#dropChunks(db, environmentId, importId);
      })(),
    );
  }

  async appendChunk(
    environmentId: string,
    importId: string,
    claim: string,
    seq: number,
    data: Uint8Array,
    now: string,
  ): Promise<boolean> {
    return this.deps.write((db) =>
      db.transaction(() => {
        const held = db
          .prepare(
            `UPDATE oci_imports SET uploaded_at = ? WHERE ${KEY} AND state = 'RECEIVING' AND claim_id = ?`,
          )
          .run(now, environmentId, importId, claim).changes;
        if (held !== 1) return false;
        this.#putChunk(db, environmentId, importId, seq, data);
        return true;
      })(),
    );
  }

  async restoreChunk(environmentId: string, importId: string, seq: number, data: Uint8Array): Promise<void> {
    await this.deps.write((db) => this.#putChunk(db, environmentId, importId, seq, data));
  }

  async completeUpload(
    environmentId: string,
    importId: string,
    claim: string,
    upload: CompletedUpload,
  ): Promise<boolean> {
    const { job } = upload;
    return this.deps.write((db) =>
      db.transaction(() => {
        const changed = db
          .prepare(
            `UPDATE oci_imports SET state = 'UPLOADED', uploaded_at = ?, file_bytes = ?, chunk_count = ?,
             validation_error = ?, job_id = ?
           WHERE ${KEY} AND state = 'RECEIVING' AND claim_id = ?`,
          )
          .run(
            upload.uploadedAt,
            upload.fileBytes,
            upload.chunkCount,
            upload.validationError,
            job?.jobId ?? null,
            environmentId,
            importId,
            claim,
          ).changes;
        if (changed === 0) return false;
        if (!job) return true;
        // The job row as SqliteJobs.create writes it, in this transaction: an uploaded file always has its job.
        db.prepare(
          `INSERT INTO jobs (environment_id, job_id, kind, status, request, progress, result, message, created_at,
             started_at, completed_at, attempts, owner, lease_until)
           VALUES (?, ?, ?, 'Queued', ?, 'null', 'null', '', ?, NULL, NULL, 0, NULL, NULL)`,
        ).run(job.environmentId, job.jobId, job.kind, jobJson(job.request), job.createdAt);
        return true;
      })(),
    );
  }

  async readChunk(environmentId: string, importId: string, seq: number): Promise<Uint8Array | undefined> {
    const row = this.deps
      .reader()
      .prepare<[string, string, number], { data: Buffer }>(
        'SELECT data FROM oci_import_chunks WHERE environment_id = ? AND import_id = ? AND seq = ?',
      )
      .get(environmentId, importId, seq);
    return row?.data;
  }

  async deleteChunks(environmentId: string, importId: string): Promise<void> {
    await this.deps.write((db) =>
      db
        .prepare('DELETE FROM oci_import_chunks WHERE environment_id = ? AND import_id = ?')
        .run(environmentId, importId),
    );
  }

  async putErrors(
    environmentId: string,
    importId: string,
    fromSeq: number,
    lines: readonly string[],
  ): Promise<void> {
    if (lines.length === 0) return;
    await this.deps.write((db) =>
      db.transaction(() => {
        const put = db.prepare(
          'INSERT OR REPLACE INTO oci_import_errors (environment_id, import_id, seq, line) VALUES (?, ?, ?, ?)',
        );
        for (const [i, line] of lines.entries()) put.run(environmentId, importId, fromSeq + i, line);
      })(),
    );
  }

  async deleteErrorsFrom(environmentId: string, importId: string, fromSeq: number): Promise<void> {
    await this.deps.write((db) =>
      db
        .prepare('DELETE FROM oci_import_errors WHERE environment_id = ? AND import_id = ? AND seq >= ?')
        .run(environmentId, importId, fromSeq),
    );
  }

  async readErrors(
    environmentId: string,
    importId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ seq: number; line: string }[]> {
    return this.deps
      .reader()
      .prepare<[string, string, number, number], { seq: number; line: string }>(
        `SELECT seq, line FROM oci_import_errors WHERE environment_id = ? AND import_id = ? AND seq > ?
         ORDER BY seq LIMIT ?`,
      )
      .all(environmentId, importId, afterSeq, limit)
      .map((r) => ({ seq: Number(r.seq), line: r.line }));
  }

  async delete(environmentId: string, importId: string, allowed: DeletableImport): Promise<boolean> {
    return this.deps.write((db) =>
      db.transaction(() => {
        const deleted = db
          .prepare(`DELETE FROM oci_imports WHERE ${KEY} AND ${deletableImport('?', '?')}`)
          .run(environmentId, importId, allowed.staleBefore, allowed.uploaded ? 1 : 0).changes;
        if (deleted !== 1) return false;
        for (const table of ['oci_import_chunks', 'oci_import_errors']) {
          db.prepare(`DELETE FROM ${table} WHERE ${KEY}`).run(environmentId, importId);
        }
        return true;
      })(),
    );
  }

  #dropChunks(db: Database.Database, environmentId: string, importId: string): void {
    db.prepare(`DELETE FROM oci_import_chunks WHERE ${KEY}`).run(environmentId, importId);
  }

  #putChunk(
    db: Database.Database,
    environmentId: string,
    importId: string,
    seq: number,
    data: Uint8Array,
  ): void {
    db.prepare(
      'INSERT INTO oci_import_chunks (environment_id, import_id, seq, data) VALUES (?, ?, ?, ?)',
    ).run(environmentId, importId, seq, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  #one(
    column: 'import_id' | 'upload_link_id',
    environmentId: string,
    id: string,
  ): OciImportRecord | undefined {
    const row = this.deps
      .reader()
      .prepare<[string, string], OciImportRow>(
        `SELECT ${OCI_IMPORT_COLUMNS} FROM oci_imports WHERE environment_id = ? AND ${column} = ?`,
      )
      .get(environmentId, id);
    return row ? toOciImport(row) : undefined;
  }
}
