import { type ErrorCode, type ErrorDetail, OnhandError } from '../domain/codes.js';

/** processingStatus values of spec §2.3; each also names a bulk bucket. */
export type ProcessingStatus = 'success' | 'partialSuccess' | 'failure' | 'conflict' | 'notFound' | 'unknown';

/**
 * The outcome of one write item, before the HTTP layer turns it into the spec's envelope
 * (`id`, `processingStatus`, `message`, `statusCode`). Failures carry a stable error code.
 */
export interface ItemOutcome {
  readonly id: string;
  readonly status: ProcessingStatus;
  readonly message: string;
  readonly code?: ErrorCode;
  readonly details?: readonly ErrorDetail[];
  /** True when this is the recorded outcome of an earlier request with the same event id. */
  readonly replayed?: boolean;
  /** Extra fields of the envelope, such as reservationId. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Outcome for an accepted write. */
export function success(id: string, message = '', extra?: Record<string, unknown>): ItemOutcome {
  return extra ? { id, status: 'success', message, extra } : { id, status: 'success', message };
}

/** Outcome for an item rejected with an OnhandError (nothing was changed). */
export function failureOf(id: string, error: OnhandError): ItemOutcome {
  return { id, status: 'failure', message: error.message, code: error.code, details: error.details };
}

/** Outcome for an event id reused with a different body. */
export function conflict(id: string): ItemOutcome {
  return {
    id,
    status: 'conflict',
    message: `Event id "${id}" was already used with a different body; nothing was applied.`,
    code: 'event_id_conflict',
  };
}

/** Turns anything thrown while validating an item into a failure outcome; rethrows unexpected errors. */
export function failureFromThrown(id: string, thrown: unknown): ItemOutcome {
  if (thrown instanceof OnhandError) return failureOf(id, thrown);
  throw thrown;
}
