/**
 * Background jobs' side of the Store port (the reservation resync job and the log-history extract,
 * spec §2.8 and §2.12): jobs are rows, so a job survives a restart and any server process sharing the
 * database can run it. A process claims a job with a lease; a job whose lease ran out (its process
 * died) is claimed again and resumed.
 */
export interface JobStore {
  /** Inserts a new job (status Queued). */
  create(job: NewJob): Promise<void>;
  /**
   * Writes a job as it was exported (`onhand import`): every field kept, but a job that was Queued or
   * Running is Queued again, unowned, so this store's runner resumes it from its progress.
   */
  restore(job: JobRecord): Promise<void>;
  /** One job of an environment, or undefined. */
  get(environmentId: string, jobId: string): Promise<JobRecord | undefined>;
  /** Deletes a job (an OCI export once downloaded); false when there was none. */
  delete(environmentId: string, jobId: string): Promise<boolean>;
  /**
   * Deletes finished (Completed or Failed) jobs of the given kinds, of every environment, that finished
   * before `completedBefore` (ISO-8601); how many (the OCI export retention). One statement (a
   * multi-shard DELETE on Citus).
   */
  deleteFinished(kinds: readonly string[], completedBefore: string): Promise<number>;
  /**
   * Claims one job for `owner` until `until` (ISO-8601): the oldest Queued job, or a Running one whose
   * lease ended before `now`. The claimed job is Running, owned by `owner`, its attempts counted up and
   * startedAt set if it was null. Undefined when no job is waiting. Two claimers never get the same job.
   */
  claim(owner: string, now: string, until: string): Promise<JobRecord | undefined>;
  /**
   * Records a job's progress or end, only while `owner` holds it (false otherwise: the lease was lost
   * and another process may be running the job).
   */
  update(environmentId: string, jobId: string, owner: string, change: JobChange): Promise<boolean>;
}

/** Queued → Running → Completed or Failed (the statuses the vendor's job progress reports). */
export type JobStatus = 'Queued' | 'Running' | 'Completed' | 'Failed';

export interface NewJob {
  readonly environmentId: string;
  /** `<Kind>:<uuid>`, e.g. `ReservationResyncJob:…` (spec §2.8). */
  readonly jobId: string;
  readonly kind: string;
  /** What the job was asked to do, as JSON-compatible data. */
  readonly request: unknown;
  readonly createdAt: string;
}

export interface JobRecord extends NewJob {
  readonly status: JobStatus;
  /** Counters and cursors of the work done so far, as JSON-compatible data (null before any). */
  readonly progress: unknown;
  /** What the job produced (the log-history extract), as JSON-compatible data; null when nothing. */
  readonly result: unknown;
  readonly message: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  /** How many times a process claimed it (more than one: it was resumed after an interruption). */
  readonly attempts: number;
  readonly owner: string | null;
  readonly leaseUntil: string | null;
}

/** What `update` changes; absent fields keep their value. */
export interface JobChange {
  readonly status?: JobStatus;
  readonly progress?: unknown;
  readonly result?: unknown;
  readonly message?: string;
  readonly completedAt?: string;
  /** Extends the lease (a job that runs long renews it as it goes). */
  readonly leaseUntil?: string;
}
