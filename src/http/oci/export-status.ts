import { type ExportResult, expiryOf } from '../../engine/oci/oci-exports.js';
import type { JobRecord } from '../../store/jobs/job-store.js';

/** OCI export statuses of Onhand's job states. */
const STATUS: Record<JobRecord['status'], string> = {
  Queued: 'SUBMITTED',
  Running: 'RUNNING',
  Completed: 'COMPLETED',
  Failed: 'FAILED',
};

/**
 * The status document of an OCI export job (availability, reservations and event log exports, spec
 * §4.4–§4.6): its state, counts, download link and, once completed, the file's hash and size.
 * `exportFields` adds what one kind of export reports beside the counts (the availability export's groups).
 */
export function exportStatusBody(
  exportId: string,
  job: JobRecord,
  downloadLink: string,
  exportFields: Record<string, unknown> = {},
) {
  const result = job.status === 'Completed' ? (job.result as ExportResult | null) : null;
  const count = result?.records ?? 0;
  return {
    id: exportId,
    status: STATUS[job.status],
    export: {
      ...(job.startedAt ? { startTimeUTC: job.startedAt } : {}),
      ...(job.completedAt ? { endTimeUTC: job.completedAt } : {}),
      recordsProcessedCount: count,
      recordsExportedCount: count,
      ...exportFields,
    },
    download: { downloadLink, downloadLinkExpirationUTC: new Date(expiryOf(job)).toISOString() },
    ...(result
      ? { validation: { fileHashType: 'SHA-256', fileHash: result.fileHash, fileSize: result.fileSize } }
      : {}),
  };
}
