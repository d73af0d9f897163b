import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OnhandError } from '../../../../domain/codes.js';
import { type ImportRefusalReason, OciImportRefusal } from '../../../../engine/oci/imports/oci-imports.js';
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

/**
 * The error handler of the OCI routes until the OCI plugin's own takes over (the lead wires the import
 * routes into it): OciProblems as application/problem+json; a missing or bad token as the gateway's 401
 * `{type, title, detail}` with WWW-Authenticate; a token without the role as the gateway's 403 shape;
 * an unknown organization as 403 TenantNotProvisioned.
 */
export function ociErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  let problem: OciProblem | undefined;
  if (error instanceof OciProblem) problem = error;
  else if (error instanceof OciImportRefusal) problem = importProblem(error);
  else if (error instanceof OnhandError) {
    if (error.code === 'unauthorized' || error.code === 'invalid_token') {
      reply
        .code(401)
        .header('www-authenticate', 'Bearer error="invalid_token"')
        .type('application/problem+json')
        .send({ type: 'about:blank', title: 'Unauthorized', detail: error.message });
      return;
    }
    if (error.code === 'forbidden') {
      reply.code(403).send({
        timestamp: new Date().toISOString(),
        status: 403,
        error: 'Forbidden',
        message: error.message,
        path: request.url.split('?')[0],
        type: 'about:blank',
      });
      return;
    }
    if (error.code === 'environment_not_found' || error.code === 'invalid_environment_id') {
      problem = new OciProblem(403, 'TenantNotProvisioned', 'The tenant is not provisioned.');
    }
  }
  if (!problem) {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error(error);
      problem = new OciProblem(500, 'Unknown', 'The request could not be completed.');
    } else {
      problem = new OciProblem(status, 'InvalidRequest', error.message);
    }
  }
  reply.code(problem.status).type('application/problem+json').send(problem.body());
}
