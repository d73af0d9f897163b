import type { ItemOutcome, ProcessingStatus } from '../engine/outcome.js';
import { statusOf } from './status-table.js';

/** The spec §2.3 envelope of one write: extra fields (reservationId, …) first, as the spec shows. */
export function envelope(outcome: ItemOutcome, idPrefix = ''): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...outcome.extra,
    id: `${idPrefix}${outcome.id}`,
    processingStatus: outcome.status,
    message: outcome.message,
    statusCode: statusCodeOf(outcome),
  };
  if (outcome.code) {
    body.code = outcome.code;
    body.details = outcome.details ?? [];
  }
  return body;
}

/** The number in the envelope's statusCode, also used as the HTTP status of single-item writes. */
export function statusCodeOf(outcome: ItemOutcome): number {
  if (outcome.status === 'success' || outcome.status === 'partialSuccess') return 200;
  return outcome.code ? statusOf(outcome.code) : 500;
}

const BUCKETS: readonly ProcessingStatus[] = [
  'success',
  'failure',
  'conflict',
  'notFound',
  'partialSuccess',
  'unknown',
];

/** The spec §2.3 bulk response: one envelope per item, in its status's bucket, in request order. */
export function buckets(
  outcomes: readonly ItemOutcome[],
  idPrefix = '',
): Record<ProcessingStatus, Record<string, unknown>[]> {
  const result = Object.fromEntries(BUCKETS.map((b) => [b, [] as Record<string, unknown>[]])) as Record<
    ProcessingStatus,
    Record<string, unknown>[]
  >;
  for (const outcome of outcomes) result[outcome.status].push(envelope(outcome, idPrefix));
  return result;
}
