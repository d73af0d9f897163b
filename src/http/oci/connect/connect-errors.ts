import type { FastifyReply, FastifyRequest } from 'fastify';
import { OciImportRefusal } from '../../../engine/oci/imports/oci-imports.js';
import { clipEcho } from '../../echo-limit.js';
import { toOnhandError } from '../../errors.js';
import { RateLimitedError } from '../../rate-limiter.js';
import { statusOf } from '../../status-table.js';
import { OciProblem } from '../oci-problem.js';

/**
 * The error codes of the Salesforce platform's REST layer that the Connect REST flavour answers
 * request refusals with (docs/oci.md, "Connect REST flavour"). Per-record failures inside an answer
 * carry the OCI errorCode instead (as the SCAPI flavour's).
 */
export const CONNECT_ERROR_CODES = [
  'INVALID_API_INPUT',
  'JSON_PARSER_ERROR',
  'INVALID_SESSION_ID',
  'INSUFFICIENT_ACCESS',
  'NOT_FOUND',
  'INVALID_STATE',
  'REQUEST_LIMIT_EXCEEDED',
  'UNKNOWN_EXCEPTION',
] as const;
export type ConnectErrorCode = (typeof CONNECT_ERROR_CODES)[number];

/** A refusal of a Connect route: answered as `[{ errorCode, message }]` with `status`. */
export class ConnectError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: ConnectErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

const IMPORT_STATUS: Record<OciImportRefusal['reason'], [number, ConnectErrorCode]> = {
  not_found: [404, 'NOT_FOUND'],
  already_received: [409, 'INVALID_STATE'],
  expired_link: [410, 'INVALID_STATE'],
  in_progress: [409, 'INVALID_STATE'],
  expired_result: [410, 'INVALID_STATE'],
  too_large: [413, 'INVALID_API_INPUT'],
};

/** The platform code of an HTTP status. */
function codeOfStatus(status: number): ConnectErrorCode {
  if (status === 401) return 'INVALID_SESSION_ID';
  if (status === 403) return 'INSUFFICIENT_ACCESS';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409 || status === 410) return 'INVALID_STATE';
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status >= 500) return 'UNKNOWN_EXCEPTION';
  return 'INVALID_API_INPUT';
}

/** Any error as a ConnectError. */
export function toConnectError(error: unknown): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof OciProblem)
    return new ConnectError(error.status, codeOfStatus(error.status), error.message);
  if (error instanceof OciImportRefusal) {
    const [status, code] = IMPORT_STATUS[error.reason];
    return new ConnectError(status, code, error.message);
  }
  const mapped = toOnhandError(error);
  const message = clipEcho(mapped.message);
  if (
    mapped.code === 'unauthorized' ||
    mapped.code === 'invalid_token' ||
    mapped.code === 'feed_ticket_invalid'
  )
    return new ConnectError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
  if (mapped.code === 'malformed_json') return new ConnectError(400, 'JSON_PARSER_ERROR', message);
  // Unknown places and a graph that reservations still use: the OCI refusals (docs/oci.md).
  if (mapped.code === 'oci_group_in_use') return new ConnectError(409, 'INVALID_STATE', message);
  if (mapped.code === 'environment_not_found' || mapped.code === 'invalid_environment_id')
    return new ConnectError(403, 'INSUFFICIENT_ACCESS', message);
  const status = statusOf(mapped.code);
  return new ConnectError(status, codeOfStatus(status), message);
}

/**
 * Error handler of the Connect REST routes: the platform's `[{ "errorCode", "message" }]` (a JSON
 * array of one), 401 with `WWW-Authenticate: Bearer`, 429 with `Retry-After`.
 */
export function handleConnectError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const refusal = toConnectError(error);
  if (refusal.status >= 500) request.log.error({ err: error }, 'unexpected error');
  if (refusal.status === 401) reply.header('www-authenticate', 'Bearer error="invalid_token"');
  const limited = toOnhandError(error);
  if (limited instanceof RateLimitedError) reply.header('retry-after', String(limited.retryAfterSeconds));
  reply
    .code(refusal.status)
    .type('application/json')
    .send([{ errorCode: refusal.errorCode, message: refusal.message }]);
}
