import type { JobRecord, JobStatus } from './job-store.js';

/** A jobs row as both backends return it (JSON as text, attempts as a number or bigint). */
export interface JobRow {
  readonly environment_id: string;
  readonly job_id: string;
  readonly kind: string;
  readonly status: string;
  readonly request: string;
  readonly progress: string;
  readonly result: string;
  readonly message: string;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly completed_at: string | null;
  readonly attempts: number | bigint | string;
  readonly owner: string | null;
  readonly lease_until: string | null;
}

/** A stored row back to the port's shape. */
export function toJobRecord(row: JobRow): JobRecord {
  return {
    environmentId: row.environment_id,
    jobId: row.job_id,
    kind: row.kind,
    status: row.status as JobStatus,
    request: JSON.parse(row.request) as unknown,
    progress: JSON.parse(row.progress) as unknown,
    result: JSON.parse(row.result) as unknown,
    message: row.message,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    attempts: Number(row.attempts),
    owner: row.owner,
    leaseUntil: row.lease_until,
  };
}

/** JSON text of a job's JSON field (`undefined` and null become null). */
export function jobJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/**
 * The values of a restored job's row (`onhand import`), in the jobs table's column order up to its
 * lease: a job that had not finished is queued again, to run from its saved progress.
 */
export function restoredJobValues(job: JobRecord): (string | number | null)[] {
  const finished = job.status === 'Completed' || job.status === 'Failed';
  return [
    job.environmentId,
    job.jobId,
    job.kind,
    finished ? job.status : 'Queued',
    jobJson(job.request),
    jobJson(job.progress),
    jobJson(job.result),
    job.message,
    job.createdAt,
    job.startedAt,
    job.completedAt,
    job.attempts,
  ];
}
