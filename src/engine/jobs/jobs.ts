import { randomUUID } from 'node:crypto';
import { OnhandError } from '../../domain/codes.js';
import type { JobRecord } from '../../store/jobs/job-store.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { JobRunner } from './job-runner.js';

/**
 * Background jobs of an environment (spec §2.8 #8 and #9, §2.12): submitted by a request, stored, run
 * by the JobRunner of any server process, their progress read with getJobProgress.
 */
export class Jobs {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly clock: () => Date,
    private readonly runner: JobRunner,
  ) {}

  /** Stores a new job of `kind` (its id `<kind>:<uuid>`, as the vendor's) and wakes the runner. */
  async submit(environmentId: string, kind: string, request: unknown): Promise<string> {
    await this.environments.get(environmentId);
    const jobId = `${kind}:${randomUUID()}`;
    await this.store.jobs.create({
      environmentId,
      jobId,
      kind,
      request,
      createdAt: this.clock().toISOString(),
    });
    this.runner.notify();
    return jobId;
  }

  /** A job of the environment, or job_not_found. */
  async get(environmentId: string, jobId: string): Promise<JobRecord> {
    await this.environments.get(environmentId);
    const job = await this.store.jobs.get(environmentId, jobId);
    if (!job) throw new OnhandError('job_not_found', `No job "${jobId}" in environment ${environmentId}.`);
    return job;
  }
}
