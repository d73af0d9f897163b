import type pg from 'pg';
import { type JobRow, jobJson, restoredJobValues, toJobRecord } from '../../jobs/job-rows.js';
import type { JobChange, JobRecord, JobStore, NewJob } from '../../jobs/job-store.js';

const COLUMNS = `environment_id, job_id, kind, status, request, progress, result, message, created_at, started_at,
  completed_at, attempts, owner, lease_until`;

// SKIP LOCKED: two processes claiming at once take different jobs; a row another claimer just took no
// longer matches when it is re-checked, so it is skipped.
const CLAIM = `WITH next AS (
    SELECT environment_id, job_id FROM jobs
    WHERE status = 'Queued' OR (status = 'Running' AND lease_until < $2)
    ORDER BY created_at, environment_id, job_id LIMIT 1 FOR UPDATE SKIP LOCKED)
  UPDATE jobs j SET status = 'Running', owner = $1, lease_until = $3, attempts = j.attempts + 1,
    started_at = coalesce(j.started_at, $2)
  FROM next WHERE j.environment_id = next.environment_id AND j.job_id = next.job_id
  RETURNING ${COLUMNS.split(',')
    .map((c) => `j.${c.trim()}`)
    .join(', ')}`;

const UPDATE = `UPDATE jobs SET
    status = CASE WHEN $1::boolean THEN $2 ELSE status END,
    progress = CASE WHEN $3::boolean THEN $4::json ELSE progress END,
    result = CASE WHEN $5::boolean THEN $6::json ELSE result END,
    message = CASE WHEN $7::boolean THEN $8 ELSE message END,
    completed_at = CASE WHEN $9::boolean THEN $10 ELSE completed_at END,
    lease_until = CASE WHEN $11::boolean THEN $12 ELSE lease_until END
  WHERE environment_id = $13 AND job_id = $14 AND owner = $15 AND status = 'Running'`;

/** Background jobs on PostgreSQL (see JobStore). */
export class PostgresJobs implements JobStore {
  constructor(private readonly pool: () => pg.Pool) {}

  async create(job: NewJob): Promise<void> {
    await this.pool().query(
      `INSERT INTO jobs (${COLUMNS})
       VALUES ($1, $2, $3, 'Queued', $4::json, 'null', 'null', '', $5, NULL, NULL, 0, NULL, NULL)`,
      [job.environmentId, job.jobId, job.kind, jobJson(job.request), job.createdAt],
    );
  }

  async restore(job: JobRecord): Promise<void> {
    await this.pool().query(
      `INSERT INTO jobs (${COLUMNS})
       VALUES ($1, $2, $3, $4, $5::json, $6::json, $7::json, $8, $9, $10, $11, $12, NULL, NULL)`,
      restoredJobValues(job),
    );
  }

  async get(environmentId: string, jobId: string): Promise<JobRecord | undefined> {
    const result = await this.pool().query<JobRow>(
      `SELECT ${COLUMNS} FROM jobs WHERE environment_id = $1 AND job_id = $2`,
      [environmentId, jobId],
    );
    const row = result.rows[0];
    return row ? toJobRecord(row) : undefined;
  }

  async delete(environmentId: string, jobId: string): Promise<boolean> {
    const result = await this.pool().query('DELETE FROM jobs WHERE environment_id = $1 AND job_id = $2', [
      environmentId,
      jobId,
    ]);
    return result.rowCount === 1;
  }

  async deleteFinished(kinds: readonly string[], completedBefore: string): Promise<number> {
    if (kinds.length === 0) return 0;
    const result = await this.pool().query(
      `DELETE FROM jobs WHERE status IN ('Completed', 'Failed') AND kind = ANY($1::text[]) AND completed_at < $2`,
      [kinds, completedBefore],
    );
    return result.rowCount ?? 0;
  }

  async claim(owner: string, now: string, until: string): Promise<JobRecord | undefined> {
    const result = await this.pool().query<JobRow>(CLAIM, [owner, now, until]);
    const row = result.rows[0];
    return row ? toJobRecord(row) : undefined;
  }

  async update(environmentId: string, jobId: string, owner: string, change: JobChange): Promise<boolean> {
    const has = (key: keyof JobChange) => change[key] !== undefined;
    const result = await this.pool().query(UPDATE, [
      has('status'),
      change.status ?? null,
      has('progress'),
      jobJson(change.progress),
      has('result'),
      jobJson(change.result),
      has('message'),
      change.message ?? null,
      has('completedAt'),
      change.completedAt ?? null,
      has('leaseUntil'),
      change.leaseUntil ?? null,
      environmentId,
      jobId,
      owner,
    ]);
    return result.rowCount === 1;
  }
}
