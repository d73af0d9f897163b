import type { ErrorCode } from '../domain/codes.js';
import type { ItemOutcome, ProcessingStatus } from '../engine/outcome.js';
import { clipEcho, clipEchoes } from './echo-limit.js';
import { statusOf } from './status-table.js';

/**
 * The spec §2.3 envelope of one write: extra fields (reservationId, …) first, as the spec shows. The
 * request's id, the message and the details are clipped to ECHO_LIMIT characters (a valid id is
 * never that long).
 */
export function envelope(
  outcome: ItemOutcome,
  idPrefix = '',
  bodyStatusCodes: BodyStatusCodes = {},
): Record<string, unknown> {
  // The extra fields copied one by one rather than spread into a literal: the same keys in the same
  // order, but an object that builds and serialises in a third of the time (one per write answer).
  const body: Record<string, unknown> = {};
  const extra = outcome.extra;
  if (extra !== undefined && extra !== null) {
    for (const key of Object.keys(extra)) {
      // An own "__proto__" field stays a plain field, as the spread made it.
      if (key === '__proto__')
        Object.defineProperty(body, key, {
          value: extra[key],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else body[key] = extra[key];
    }
  }
  body.id = `${idPrefix}${clipEcho(outcome.id)}`;
  body.processingStatus = outcome.status;
  body.message = clipEcho(outcome.message);
  body.statusCode = statusCodeOf(outcome, bodyStatusCodes);
  if (outcome.code) {
    body.code = outcome.code;
    body.details = clipEchoes(outcome.details ?? []);
  }
  return body;
}

/**
 * Where the vendor's service records a different body statusCode than Onhand's HTTP status: a failed
 * availability check answers statusCode 500 in the body (spec §2.3, §5.2), while the HTTP status is
 * 409, so that load balancers and monitors do not take a sold-out product for a server fault.
 */
const IV_STATUS_CODES: Partial<Record<ErrorCode, number>> = {
  insufficient_availability: 500,
  negative_reservation_checked: 500,
};

/**
 * Body statusCodes the vendor records for one endpoint only, where the same code answers differently
 * elsewhere: a reservation without siteId/locationId answers statusCode 500 (spec §2.3, §5.2), an
 * on-hand change without them 400.
 */
export type BodyStatusCodes = Partial<Record<ErrorCode, number>>;

/** The number in the envelope's statusCode. */
export function statusCodeOf(outcome: ItemOutcome, bodyStatusCodes: BodyStatusCodes = {}): number {
  if (outcome.status === 'success' || outcome.status === 'partialSuccess') return 200;
  if (!outcome.code) return 500;
  return bodyStatusCodes[outcome.code] ?? IV_STATUS_CODES[outcome.code] ?? statusOf(outcome.code);
}

/** The HTTP status of a single-item write: its statusCode, except as noted for IV_STATUS_CODES. */
export function httpStatusOf(outcome: ItemOutcome): number {
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
  bodyStatusCodes: BodyStatusCodes = {},
): Record<ProcessingStatus, Record<string, unknown>[]> {
  const result = Object.fromEntries(BUCKETS.map((b) => [b, [] as Record<string, unknown>[]])) as Record<
    ProcessingStatus,
    Record<string, unknown>[]
  >;
  for (const outcome of outcomes) result[outcome.status].push(envelope(outcome, idPrefix, bodyStatusCodes));
  return result;
}
