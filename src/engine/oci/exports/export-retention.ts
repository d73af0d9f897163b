import type { Store } from '../../../store/store.js';
import { OCI_EXPORT_JOB } from '../oci-exports.js';
import { OCI_EVENT_LOG_EXPORT_JOB, OCI_RESERVATIONS_EXPORT_JOB } from './audit-exports.js';

/** The job kinds whose files the retention removes: every OCI Impex export. */
export const OCI_EXPORT_KINDS = [
  OCI_EXPORT_JOB,
  OCI_RESERVATIONS_EXPORT_JOB,
  OCI_EVENT_LOG_EXPORT_JOB,
] as const;
/** How often a server process sweeps (the retention is counted in hours). */
const SWEEP_MS = 15 * 60 * 1000;

/**
 * Deletes finished OCI exports (availability, reservations, event log: their jobs and the files they
 * hold) once they finished `retentionMs` ago (ONHAND_OCI_EXPORT_RETENTION_HOURS, docs/configuration.md),
 * every 15 minutes and once at start. Afterwards the export answers 404 `EntityNotFound` where it
 * answered 410 `ExpiredResultLink`. Any process may sweep: a deletion is idempotent.
 */
export class OciExportRetention {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    private readonly retentionMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.sweep().catch(this.onError), SWEEP_MS);
    this.#timer.unref();
    void this.sweep().catch(this.onError);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => {});
  }

  /** One sweep; how many exports it deleted (tests call it directly). */
  sweep(): Promise<number> {
    this.#running ??= this.store.jobs
      .deleteFinished(OCI_EXPORT_KINDS, new Date(this.clock().getTime() - this.retentionMs).toISOString())
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }
}
