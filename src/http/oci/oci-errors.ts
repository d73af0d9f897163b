import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AuthService } from '../../auth/auth-service.js';
import { type ErrorCode, OnhandError } from '../../domain/codes.js';
import type { Role } from '../../domain/roles.js';
import { Environments } from '../../engine/environments.js';
import { OciImportRefusal } from '../../engine/oci/imports/oci-imports.js';
import type { AccessHook } from '../context.js';
import { clipEcho } from '../echo-limit.js';
import { toOnhandError } from '../errors.js';
import { RateLimitedError } from '../rate-limiter.js';
import { statusOf } from '../status-table.js';
import { importProblem } from './impex/imports/import-problems.js';
import { type OciErrorCode, OciProblem } from './oci-problem.js';

/** Onhand codes that the OCI API answers with their own errorCode (and HTTP status). */
const OCI_CODES: Partial<Record<ErrorCode, [number, OciErrorCode]>> = {
  oci_unknown_location: [400, 'LocationDoesNotExist'],
  oci_unknown_group: [400, 'GroupDoesNotExist'],
  oci_duplicate_location: [400, 'DuplicateLocationId'],
  oci_duplicate_group: [400, 'DuplicateGroupId'],
  oci_group_id_is_location: [400, 'InvalidGroupId'],
  oci_empty_group: [400, 'GroupMustNotBeEmpty'],
  oci_group_in_use: [409, 'IllegalGroupState'],
  oci_record_not_found: [404, 'EntityNotFound'],
  oci_measures_unavailable: [400, 'InvalidRequest'],
  oci_delta_token_invalid: [400, 'InvalidRequestParameter'],
  oci_delta_token_expired: [410, 'ExpiredDeltaLink'],
  oci_export_not_found: [404, 'EntityNotFound'],
  oci_export_in_process: [409, 'ExportInProcess'],
  oci_export_failed: [409, 'ExportProcessFailed'],
  oci_export_expired: [410, 'ExpiredResultLink'],
  oci_no_places: [400, 'InvalidRequest'],
  oci_location_and_group: [400, 'InvalidRequestParameter'],
  oci_transfer_not_allowed: [400, 'InvalidRequestParameter'],
  oci_reservation_exists: [409, 'EntityExists'],
  oci_reservation_not_found: [404, 'EntityNotFound'],
  oci_reservation_cancelled: [409, 'ReservationCancelled'],
  oci_reservation_expired: [409, 'ReservationInvalidState'],
  oci_insufficient_quantity: [409, 'InsufficientQuantity'],
  missing_field: [400, 'MissingParameter'],
  environment_not_found: [403, 'TenantNotProvisioned'],
  invalid_environment_id: [403, 'TenantNotProvisioned'],
  forbidden: [403, 'InvalidRequest'],
  configuration_version_conflict: [409, 'ConcurrentModification'],
  event_id_conflict: [409, 'ConcurrentModification'],
  rate_limited: [429, 'InvalidRequest'],
  payload_too_large: [413, 'InvalidRequest'],
  unsupported_media_type: [415, 'InvalidRequest'],
};

/** The OCI errorCode of an Onhand code: its own where it has one, else InvalidRequestParameter (a 400). */
export function ociCodeOf(code: ErrorCode): OciErrorCode {
  return OCI_CODES[code]?.[1] ?? (statusOf(code) === 400 ? 'InvalidRequestParameter' : 'Unknown');
}

/** Any refusal as an OciProblem: the status and errorCode of the OCI API, the parameter it names. */
export function toOciProblem(error: OnhandError): OciProblem {
  const mapped = OCI_CODES[error.code];
  const status = mapped?.[0] ?? statusOf(error.code);
  const parameterName = error.details[0]?.path;
  return new OciProblem(status, ociCodeOf(error.code), clipEcho(error.message), {
    ...(parameterName ? { parameterName } : {}),
    detail: error.code,
  });
}

const UNAUTHORIZED = new Set<ErrorCode>(['unauthorized', 'invalid_token', 'feed_ticket_invalid']);

/**
 * Error handler of the OCI routes: `application/problem+json` (spec §1.3). A missing or bad token
 * answers the gateway's 401 shape `{ type, title, detail }` with `WWW-Authenticate: Bearer`; everything
 * else `{ type, errorCode, message, parameterName?, … }` with the status of the OCI API.
 */
export function handleOciError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof OciProblem) {
    sendProblem(reply, error);
    return;
  }
  if (error instanceof OciImportRefusal) {
    sendProblem(reply, importProblem(error));
    return;
  }
  const mapped = toOnhandError(error);
  // The Impex API's gateway answers a token without the scope in its own shape (spec §1.3).
  if (mapped.code === 'forbidden' && request.url.startsWith('/inventory/impex/')) {
    reply.code(403).send({
      timestamp: new Date().toISOString(),
      status: 403,
      error: 'Forbidden',
      message: mapped.message,
      path: request.url.split('?')[0],
      type: 'about:blank',
    });
    return;
  }
  if (mapped.code === 'internal_error') request.log.error({ err: error }, 'unexpected error');
  if (UNAUTHORIZED.has(mapped.code)) {
    reply
      .code(401)
      .header(
        'www-authenticate',
        `Bearer error="${mapped.code === 'unauthorized' ? 'invalid_request' : 'invalid_token'}"`,
      )
      .type('application/problem+json')
      .send({ type: 'about:blank', title: 'Unauthorized', detail: mapped.message });
    return;
  }
  if (mapped instanceof RateLimitedError) reply.header('retry-after', String(mapped.retryAfterSeconds));
  sendProblem(reply, toOciProblem(mapped));
}

function sendProblem(reply: FastifyReply, problem: OciProblem): void {
  reply.code(problem.status).type('application/problem+json').send(problem.body());
}

/**
 * onRequest hook of every OCI route: a valid Onhand bearer token with at least `role` in the
 * environment named by the path's organizationId (OCI's organization is Onhand's environment).
 * Tagged with its role like requireAccess (the route table checks it).
 */
export function requireOciAccess(auth: AuthService, role: Role): AccessHook {
  const hook: onRequestHookHandler = async (request) => {
    const principal = await auth.authenticate(request.headers.authorization);
    const params = request.params as { organizationId?: string };
    const environmentId = Environments.id(params.organizationId ?? '');
    auth.requireRole(principal, environmentId, role);
    request.principal = principal;
    request.environmentId = environmentId;
  };
  return Object.assign(hook, { role });
}

/** Throws the OCI refusal for a record that failed (single-record routes answer it as the request's). */
export function recordProblem(code: ErrorCode, message: string): never {
  throw new OnhandError(code, message);
}
