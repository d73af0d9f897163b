import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { JobHandler } from '../jobs/job-runner.js';
import { OCI_EVENT_LOG_EXPORT_JOB, OCI_RESERVATIONS_EXPORT_JOB } from './exports/audit-exports.js';
import { OCI_IMPORT_JOB, ociImportJob } from './imports/import-job.js';
import { ModelRecordApplier, type SetOnHand } from './imports/model-record-applier.js';
import type { Oci } from './oci.js';
import { OCI_EXPORT_JOB } from './oci-exports.js';

/**
 * The OCI face's kinds of job (engine/jobs): availability imports, whose records are applied as
 * batch-update applies them, and availability exports, which take a snapshot at a feed position.
 */
export function ociJobHandlers(
  store: Store,
  environments: Environments,
  oci: Oci,
  setOnHand: SetOnHand,
  clock: () => Date,
): (readonly [string, JobHandler])[] {
  const applier = new ModelRecordApplier(environments, oci.graphs, oci.updates, setOnHand);
  return [
    [OCI_IMPORT_JOB, ociImportJob(store.ociImports, applier, clock)],
    [OCI_EXPORT_JOB, (context) => oci.exports.run(context)],
    [OCI_RESERVATIONS_EXPORT_JOB, (context) => oci.auditExports.runReservations(context)],
    [OCI_EVENT_LOG_EXPORT_JOB, (context) => oci.auditExports.runEventLog(context)],
  ];
}
