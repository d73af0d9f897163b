import { randomUUID } from 'node:crypto';
import type { JobRecord } from '../../store/jobs/job-store.js';
import type { Store } from '../../store/store.js';

/** How long a claimed job is ours without renewing; a job whose process died is resumed after this. */
export const JOB_LEASE_MS = 30_000;
/** How often the runner looks for jobs submitted by other processes. */
const POLL_MS = 2_000;
/** A job claimed this many times without finishing is failed rather than resumed again. */
export const MAX_ATTEMPTS = 5;

/** What a job handler gets: its job, and a way to save progress (which also renews the lease). */
export interface JobContext {
  readonly job: JobRecord;
  /** Records progress; false when the lease was lost (another process resumed the job): stop then. */
  saveProgress(progress: unknown): Promise<boolean>;
}

/** Does one kind of job; resolves with what the job produced (stored as its result) and a message. */
export type JobHandler = (context: JobContext) => Promise<{ result?: unknown; message: string }>;

/**
 * Runs the jobs stored in the database, one at a time per process, in the background of the server.
 * A job is claimed with a lease and renewed as it saves progress; if its process dies, another process
 * (or this one after a restart) claims it once the lease has ended and runs it again from its saved
 * progress. Handlers are written so that running again repeats nothing (the resync job releases each
 * reservation under an event id of its own; the log-history extract is a read).
 */
export class JobRunner {
  readonly #owner = randomUUID();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #again = false;
  #stopping = false;

  constructor(
    private readonly store: Store,
    private readonly handlers: ReadonlyMap<string, JobHandler>,
    private readonly clock: () => Date,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#stopping = false;
    this.#timer = setInterval(() => this.notify(), POLL_MS);
    this.#timer.unref();
    this.notify();
  }

  /**
   * Stops: a job in progress stops at its next saved progress and is handed back (its lease ended at
   * once), so the next process to start resumes it from there.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** A job was submitted: run the waiting jobs now (when started). */
  notify(): void {
    if (!this.#timer) return;
    void this.runPending().catch(this.onError);
  }

  /** Runs waiting jobs until none is left; resolves with how many ran (tests call it directly). */
  runPending(): Promise<number> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      let ran = 0;
      do {
        this.#again = false;
        while (!this.#stopping && (await this.runOne())) ran++;
      } while (this.#again);
      return ran;
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  private async runOne(): Promise<boolean> {
    const job = await this.store.jobs.claim(this.#owner, this.now(), this.leaseEnd());
    if (!job) return false;
    const finish = (status: 'Completed' | 'Failed', message: string, result?: unknown) =>
      this.store.jobs.update(job.environmentId, job.jobId, this.#owner, {
        status,
        message,
        completedAt: this.now(),
        ...(result === undefined ? {} : { result }),
      });
    const handler = this.handlers.get(job.kind);
    if (!handler) {
      await finish('Failed', `No handler for jobs of kind ${job.kind}.`);
      return true;
    }
    if (job.attempts > MAX_ATTEMPTS) {
      await finish('Failed', `Interrupted ${job.attempts - 1} times; not resumed again.`);
      return true;
    }
    try {
      const saveProgress = async (progress: unknown) => {
        const leaseUntil = this.#stopping ? new Date(0).toISOString() : this.leaseEnd();
        const kept = await this.store.jobs.update(job.environmentId, job.jobId, this.#owner, {
          progress,
          leaseUntil,
        });
        return kept && !this.#stopping;
      };
      const done = await handler({ job, saveProgress });
      await finish('Completed', done.message, done.result);
    } catch (error) {
      // Stopping: the job was handed back with its progress, to be resumed; not a failure.
      if (this.#stopping) return false;
      this.onError(error);
      await finish('Failed', error instanceof Error ? error.message : String(error));
    }
    return true;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private leaseEnd(): string {
    return new Date(this.clock().getTime() + JOB_LEASE_MS).toISOString();
  }
}
