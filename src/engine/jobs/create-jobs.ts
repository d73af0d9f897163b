import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { LOG_HISTORY_JOB, logHistoryJob } from '../log-history/log-history-job.js';
import type { Reservations } from '../reservations/reservation-service.js';
import { type JobHandler, JobRunner } from './job-runner.js';
import { Jobs } from './jobs.js';
import { RESYNC_JOB, reservationResyncJob } from './reservation-resync.js';

/** The jobs service and its runner, with a handler for every kind of job Onhand has. */
export function createJobs(deps: {
  readonly store: Store;
  readonly environments: Environments;
  readonly reservations: Reservations;
  readonly clock: () => Date;
  readonly onError: (error: unknown) => void;
  /** Handlers of other kinds (the OCI availability export), by kind. */
  readonly more?: readonly (readonly [string, JobHandler])[];
}): { jobs: Jobs; runner: JobRunner } {
  const handlers = new Map<string, JobHandler>([
    [RESYNC_JOB, reservationResyncJob(deps.store, deps.reservations)],
    [LOG_HISTORY_JOB, logHistoryJob(deps.store)],
    ...(deps.more ?? []),
  ]);
  const runner = new JobRunner(deps.store, handlers, deps.clock, deps.onError);
  return { jobs: new Jobs(deps.store, deps.environments, deps.clock, runner), runner };
}
