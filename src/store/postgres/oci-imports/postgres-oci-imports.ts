import type pg from 'pg';
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

const KEY = 'environment_id = $1 AND import_id = $2';

/** OCI availability imports on PostgreSQL (see OciImportStore). */
export class PostgresOciImports implements OciImportStore {
  constructor(private readonly pool: () => pg.Pool) {}

  async create(r: NewOciImport): Promise<void> {
    await this.pool().query(
      `INSERT INTO oci_imports (${OCI_IMPORT_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'WAITING', NULL, 0, 0, NULL, NULL)`,
      newImportValues(r),
    );
  }

  async restore(r: OciImportRecord): Promise<void> {
    await this.pool().query(
      `INSERT INTO oci_imports (${OCI_IMPORT_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      importValues(r),
    );
  }

  get(environmentId: string, importId: string): Promise<OciImportRecord | undefined> {
    return this.#one('import_id', environmentId, importId);
  }

  byUploadLink(environmentId: string, uploadLinkId: string): Promise<OciImportRecord | undefined> {
    return this.#one('upload_link_id', environmentId, uploadLinkId);
  }

  async list(environmentId: string): Promise<OciImportRecord[]> {
    const result = await this.pool().query<OciImportRow>(
      `SELECT ${OCI_IMPORT_COLUMNS} FROM oci_imports WHERE environment_id = $1 ORDER BY created_at, import_id`,
      [environmentId],
    );
    return result.rows.map(toOciImport);
  }

  async claimUpload(
    environmentId: string,
    importId: string,
    claim: string,
    now: string,
    staleBefore: string,
  ): Promise<boolean> {
    return this.#transaction(async (client) => {
      const claimed = await client.query(
        `UPDATE oci_imports SET state = 'RECEIVING', uploaded_at = $3, claim_id = $4
         WHERE ${KEY} AND link_expires_at > $3 AND (state = 'WAITING' OR ${staleReceiving('$5')})`,
        [environmentId, importId, now, claim, staleBefore],
      );
      if (claimed.rowCount !== 1) return false;
      // Chunks of an upload that died half-way (its claim can store none any more).
      await client.query(`DELETE FROM oci_import_chunks WHERE ${KEY}`, [environmentId, importId]);
      return true;
    });
  }

  async releaseUpload(environmentId: string, importId: string, claim: string): Promise<void> {
    await this.#transaction(async (client) => {
      const released = await client.query(
        `UPDATE oci_imports SET state = 'WAITING', uploaded_at = NULL, claim_id = NULL
         WHERE ${KEY} AND state = 'RECEIVING' AND claim_id = $3`,
        [environmentId, importId, claim],
      );
      if (released.rowCount === 1)
        await client.query(`DELETE FROM oci_import_chunks WHERE ${KEY}`, [environmentId, importId]);
    });
  }

  async appendChunk(
    environmentId: string,
    importId: string,
    claim: string,
    seq: number,
    data: Uint8Array,
    now: string,
  ): Promise<boolean> {
    // The update locks the import's row: a claim or delete running beside it waits, then sees the new time.
    return this.#transaction(async (client) => {
      const held = await client.query(
        `UPDATE oci_imports SET uploaded_at = $4 WHERE ${KEY} AND state = 'RECEIVING' AND claim_id = $3`,
        [environmentId, importId, claim, now],
      );
      if (held.rowCount !== 1) return false;
      await putChunk(client, environmentId, importId, seq, data);
      return true;
    });
  }

  async restoreChunk(environmentId: string, importId: string, seq: number, data: Uint8Array): Promise<void> {
    await putChunk(this.pool(), environmentId, importId, seq, data);
  }

  async completeUpload(
    environmentId: string,
    importId: string,
    claim: string,
    upload: CompletedUpload,
  ): Promise<boolean> {
    const { job } = upload;
    return this.#transaction(async (client) => {
      const updated = await client.query(
        `UPDATE oci_imports SET state = 'UPLOADED', uploaded_at = $3, file_bytes = $4, chunk_count = $5,
           validation_error = $6, job_id = $7
         WHERE ${KEY} AND state = 'RECEIVING' AND claim_id = $8`,
        [
          environmentId,
          importId,
          upload.uploadedAt,
          upload.fileBytes,
          upload.chunkCount,
          upload.validationError,
          job?.jobId ?? null,
          claim,
        ],
      );
      if (updated.rowCount === 0) return false;
      if (!job) return true;
      // The job row as PostgresJobs.create writes it, in this transaction: an uploaded file always has its job.
      await client.query(
        `INSERT INTO jobs (environment_id, job_id, kind, status, request, progress, result, message, created_at,
           started_at, completed_at, attempts, owner, lease_until)
         VALUES ($1, $2, $3, 'Queued', $4::json, 'null', 'null', '', $5, NULL, NULL, 0, NULL, NULL)`,
        [job.environmentId, job.jobId, job.kind, jobJson(job.request), job.createdAt],
      );
      return true;
    });
  }

  async readChunk(environmentId: string, importId: string, seq: number): Promise<Uint8Array | undefined> {
    const result = await this.pool().query<{ data: Buffer }>(
      `SELECT data FROM oci_import_chunks WHERE ${KEY} AND seq = $3`,
      [environmentId, importId, seq],
    );
    return result.rows[0]?.data;
  }

  async deleteChunks(environmentId: string, importId: string): Promise<void> {
    await this.pool().query(`DELETE FROM oci_import_chunks WHERE ${KEY}`, [environmentId, importId]);
  }

  async putErrors(
    environmentId: string,
    importId: string,
    fromSeq: number,
    lines: readonly string[],
  ): Promise<void> {
    if (lines.length === 0) return;
    await this.pool().query(
      `INSERT INTO oci_import_errors (environment_id, import_id, seq, line)
       SELECT $1, $2, $3 + n - 1, line FROM unnest($4::text[]) WITH ORDINALITY AS t(line, n)
       ON CONFLICT (environment_id, import_id, seq) DO UPDATE SET line = excluded.line`,
      [environmentId, importId, fromSeq, lines],
    );
  }

  async deleteErrorsFrom(environmentId: string, importId: string, fromSeq: number): Promise<void> {
    await this.pool().query(`DELETE FROM oci_import_errors WHERE ${KEY} AND seq >= $3`, [
      environmentId,
      importId,
      fromSeq,
    ]);
  }

  async readErrors(
    environmentId: string,
    importId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ seq: number; line: string }[]> {
    const result = await this.pool().query<{ seq: number; line: string }>(
      `SELECT seq, line FROM oci_import_errors WHERE ${KEY} AND seq > $3 ORDER BY seq LIMIT $4`,
      [environmentId, importId, afterSeq, limit],
    );
    return result.rows.map((r) => ({ seq: Number(r.seq), line: r.line }));
  }

  async delete(environmentId: string, importId: string, allowed: DeletableImport): Promise<boolean> {
    return this.#transaction(async (client) => {
      const deleted = await client.query(
        `DELETE FROM oci_imports WHERE ${KEY} AND ${deletableImport('$3', '$4')}`,
        [environmentId, importId, allowed.staleBefore, allowed.uploaded ? 1 : 0],
      );
      if (deleted.rowCount !== 1) return false;
      for (const table of ['oci_import_chunks', 'oci_import_errors']) {
        await client.query(`DELETE FROM ${table} WHERE ${KEY}`, [environmentId, importId]);
      }
      return true;
    });
  }

  async #one(column: 'import_id' | 'upload_link_id', environmentId: string, id: string) {
    const result = await this.pool().query<OciImportRow>(
      `SELECT ${OCI_IMPORT_COLUMNS} FROM oci_imports WHERE environment_id = $1 AND ${column} = $2`,
      [environmentId, id],
    );
    const row = result.rows[0];
    return row ? toOciImport(row) : undefined;
  }

  async #transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool().connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

function putChunk(
  db: pg.Pool | pg.PoolClient,
  environmentId: string,
  importId: string,
  seq: number,
  data: Uint8Array,
): Promise<unknown> {
  return db.query(
    'INSERT INTO oci_import_chunks (environment_id, import_id, seq, data) VALUES ($1, $2, $3, $4)',
    [environmentId, importId, seq, Buffer.from(data.buffer, data.byteOffset, data.byteLength)],
  );
}
