import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode, OnhandError } from '../domain/codes.js';
import { classifyStoreError } from '../store/store-errors.js';
import { clipEcho, clipEchoes } from './echo-limit.js';
import { RateLimitedError } from './rate-limiter.js';
import { statusOf } from './status-table.js';

/**
 * The body of every error that is not a write envelope: `{ code, message, details }`, with the values
 * it echoes (in messages and paths) clipped to ECHO_LIMIT characters.
 */
export function errorBody(error: OnhandError): { code: ErrorCode; message: string; details: unknown[] } {
  return { code: error.code, message: clipEcho(error.message), details: clipEchoes([...error.details]) };
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
};

/** Maps anything thrown by a route or by Fastify to an OnhandError (unexpected ones to internal_error). */
export function toOnhandError(error: unknown): OnhandError {
  if (error instanceof OnhandError) return error;
  const fastifyError = error as Partial<FastifyError> & { message?: string };
  const code = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (code === 'malformed_json' && /prototype|constructor/i.test(fastifyError.message ?? '')) {
    return new OnhandError(
      'malformed_json',
      'Keys named __proto__ or constructor.prototype are not allowed in a body.',
    );
  }
  if (code)
    return new OnhandError(
      code,
      code === 'malformed_json'
        ? `The body is not valid JSON: ${fastifyError.message ?? ''}`
        : ERROR_CODES[code],
    );
  if (
    error instanceof SyntaxError ||
    (fastifyError.statusCode === 400 && /json|prototype|constructor/i.test(fastifyError.message ?? ''))
  ) {
    return new OnhandError('malformed_json', `The body is not valid JSON: ${fastifyError.message ?? ''}`);
  }
  if (fastifyError.statusCode === 413) return new OnhandError('payload_too_large');
  const store = classifyStoreError(error);
  if (store === 'timeout') {
    return new OnhandError(
      'database_timeout',
      'The database did not answer in time; nothing was written. Retry later.',
    );
  }
  if (store === 'outcome_unknown') {
    return new OnhandError(
      'commit_outcome_unknown',
      'The database connection was lost while the write was committing: it may or may not have been written. Retry with the same event ids (extensions: the same expiresAt); a retry is answered with the first outcome if it was written, and applied once if it was not.',
    );
  }
  if (store === 'unavailable') {
    return new OnhandError(
      'service_unavailable',
      'The database connection failed; nothing was written. Retry later.',
    );
  }
  return new OnhandError('internal_error');
}

/** Fastify error handler: stable codes, no stack traces or SQL in bodies; unexpected errors are logged. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = toOnhandError(error);
  if (mapped.code === 'internal_error') request.log.error({ err: error }, 'unexpected error');
  else if (
    mapped.code === 'service_unavailable' ||
    mapped.code === 'database_timeout' ||
    mapped.code === 'commit_outcome_unknown'
  ) {
    request.log.warn({ err: error }, 'database failure');
  }
  if (mapped instanceof RateLimitedError) reply.header('retry-after', String(mapped.retryAfterSeconds));
  reply.code(statusOf(mapped.code)).send(errorBody(mapped));
}
