/** The status values of an OCI availability import (spec §4.1). */
export type OciImportStatus = 'WAITING' | 'EXPIRED' | 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

/** The first line of a result file (spec §4.2). */
export type OciResultStatus = 'COMPLETED_WITHOUT_ERRORS' | 'COMPLETED_WITH_PARTIAL_FAILURES' | 'FAILED';

/** What decides an import's status: its stored state and, once uploaded, its job's status. */
export interface ImportStatusInput {
  readonly state: 'WAITING' | 'RECEIVING' | 'UPLOADED';
  readonly linkExpiresAt: string;
  readonly validationError: string | null;
  readonly jobStatus: 'Queued' | 'Running' | 'Completed' | 'Failed' | undefined;
  /** The status line of the finished job's result, if any. */
  readonly resultStatus?: OciResultStatus | undefined;
}

/**
 * The OCI status of an import at `now`: WAITING for its file (EXPIRED once the link has expired),
 * PENDING while its job waits, RUNNING, then COMPLETED (even with refused records: the result file
 * says so) or FAILED (the file could not be read, or failed validation).
 */
export function importStatus(input: ImportStatusInput, now: Date): OciImportStatus {
  if (input.state !== 'UPLOADED') {
    return Date.parse(input.linkExpiresAt) <= now.getTime() ? 'EXPIRED' : 'WAITING';
  }
  if (input.validationError !== null) return 'FAILED';
  switch (input.jobStatus) {
    case 'Running':
      return 'RUNNING';
    case 'Completed':
      return input.resultStatus === 'FAILED' ? 'FAILED' : 'COMPLETED';
    case 'Failed':
      return 'FAILED';
    default:
      return 'PENDING';
  }
}

/** Counters an import job keeps (its saved progress). */
export interface ImportCounters {
  /** Lines of the file consumed (headers and blank lines included): where a resumed job restarts. */
  readonly lines: number;
  readonly read: number;
  readonly processed: number;
  readonly skipped: number;
  /** Error lines written to the result file. */
  readonly errors: number;
  /** The legacy header in force after `lines`. */
  readonly location: string | null;
  /** The layout of the file, once a record has shown it. */
  readonly layout: 'perLine' | 'legacy' | null;
}

export const NO_COUNTERS: ImportCounters = {
  lines: 0,
  read: 0,
  processed: 0,
  skipped: 0,
  errors: 0,
  location: null,
  layout: null,
};
