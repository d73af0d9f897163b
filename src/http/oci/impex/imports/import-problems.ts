import type { ImportRefusalReason, OciImportRefusal } from '../../../../engine/oci/imports/oci-imports.js';
import { OciProblem } from '../../oci-problem.js';

const REFUSALS: Record<ImportRefusalReason, [number, OciProblem['errorCode']]> = {
  not_found: [404, 'EntityNotFound'],
  already_received: [409, 'FileAlreadyReceived'],
  expired_link: [410, 'ExpiredUploadLink'],
  in_progress: [409, 'ImportInProgress'],
  expired_result: [410, 'ExpiredResultLink'],
  too_large: [413, 'InvalidRequest'],
};

/** An import refusal of the engine as the OCI problem the specification gives for it (spec §4.1). */
export function importProblem(refusal: OciImportRefusal): OciProblem {
  const [status, code] = REFUSALS[refusal.reason];
  return new OciProblem(status, code, refusal.message);
}
