import { type JobRow, jobJson, restoredJobValues, toJobRecord } from '../../jobs/job-rows.js';
import type { JobChange, JobRecord, JobStore, NewJob } from '../../jobs/job-store.js';
import type { SqliteSideDeps } from '../side-deps.js';

const JOB_COLUMNS = `environment_id, job_id, kind, status, request, progress, result, message, created_at, started_at,
  completed_at, attempts, owner, lease_until`;

/** Background jobs on SQLite (see JobStore). Claims are serialised by the writer queue. */
export class SqliteJobs implements JobStore {
  constructor(private readonly deps: SqliteSideDeps) {}

  async create(job: NewJob): Promise<void> {
    await this.deps.write((db) =>
      db
        .prepare(
          `INSERT INTO jobs (${JOB_COLUMNS}) VALUES (?, ?, ?, 'Queued', ?, 'null', 'null', '', ?, NULL, NULL, 0, NULL, NULL)`,
        )
        .run(job.environmentId, job.jobId, job.kind, jobJson(job.request), job.createdAt),
    );
  }

  async restore(job: JobRecord): Promise<void> {
    await this.deps.write((db) =>
      db
        .prepare(`INSERT INTO jobs (${JOB_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`)
        .run(...restoredJobValues(job)),
    );
  }

  async get(environmentId: string, jobId: string): Promise<JobRecord | undefined> {
    const row = this.deps
      .reader()
      .prepare<[string, string], JobRow>(
        `SELECT ${JOB_COLUMNS} FROM jobs WHERE environment_id = ? AND job_id = ?`,
      )
      .get(environmentId, jobId);
    return row ? toJobRecord(row) : undefined;
  }

  async delete(environmentId: string, jobId: string): Promise<boolean> {
    return this.deps.write(
      (db) =>
        db.prepare('DELETE FROM jobs WHERE environment_id = ? AND job_id = ?').run(environmentId, jobId)
          .changes === 1,
    );
  }

  async deleteFinished(kinds: readonly string[], completedBefore: string): Promise<number> {
    if (kinds.length === 0) return 0;
    return this.deps.write(
      (db) =>
        db
          .prepare(
            `DELETE FROM jobs WHERE status IN ('Completed', 'Failed')
               AND kind IN (SELECT value FROM json_each(?)) AND completed_at < ?`,
          )
          .run(JSON.stringify(kinds), completedBefore).changes,
    );
  }

  async claim(owner: string, now: string, until: string): Promise<JobRecord | undefined> {
    // The runner asks every few seconds: look on the reader first, so an idle poll takes no write lock.
    const waiting = this.deps
      .reader()
      .prepare<[string], { n: bigint }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM jobs WHERE status = 'Queued' OR (status = 'Running' AND lease_until < ?) LIMIT 1)`,
      )
      .get(now);
    if (Number(waiting?.n ?? 0) === 0) return undefined;
    return this.deps.write((db) =>
      db
        .transaction(() => {
          const row = db
            .prepare<[string], JobRow>(
              `SELECT ${JOB_COLUMNS} FROM jobs WHERE status = 'Queued' OR (status = 'Running' AND lease_until < ?)
               ORDER BY created_at, environment_id, job_id LIMIT 1`,
            )
            .get(now);
          if (!row) return undefined;
          db.prepare(
            `UPDATE jobs SET status = 'Running', owner = ?, lease_until = ?, attempts = attempts + 1,
             started_at = coalesce(started_at, ?) WHERE environment_id = ? AND job_id = ?`,
          ).run(owner, until, now, row.environment_id, row.job_id);
          const claimed = db
            .prepare<[string, string], JobRow>(
              `SELECT ${JOB_COLUMNS} FROM jobs WHERE environment_id = ? AND job_id = ?`,
            )
            .get(row.environment_id, row.job_id);
          return claimed ? toJobRecord(claimed) : undefined;
        })
        .immediate(),
    );
  }

  async update(environmentId: string, jobId: string, owner: string, change: JobChange): Promise<boolean> {
    const has = (key: keyof JobChange) => (change[key] === undefined ? 0 : 1);
    return this.deps.write(
      (db) =>
        db
          .prepare(
            `UPDATE jobs SET
               status = CASE WHEN ? THEN ? ELSE status END,
               progress = CASE WHEN ? THEN ? ELSE progress END,
               result = CASE WHEN ? THEN ? ELSE result END,
               message = CASE WHEN ? THEN ? ELSE message END,
               completed_at = CASE WHEN ? THEN ? ELSE completed_at END,
               lease_until = CASE WHEN ? THEN ? ELSE lease_until END
             WHERE environment_id = ? AND job_id = ? AND owner = ? AND status = 'Running'`,
          )
          .run(
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
          ).changes === 1,
    );
  }
}
