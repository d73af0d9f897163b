import { type ErrorCode, type ErrorDetail, OnhandError } from '../domain/codes.js';
import { formatQty, parseQty } from '../domain/quantity.js';

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
  /**
   * The commit mark of the transaction that recorded this outcome (the first one, for a replay): what
   * the answer's commit token is made of (feed/feed.ts). Never stored in the ledger.
   */
  readonly commitMark?: number;
}

/** The outcome with the commit mark of the transaction that wrote it, unless it has one (a replay's). */
export function withCommitMark(outcome: ItemOutcome, mark: number): ItemOutcome {
  return outcome.commitMark === undefined ? { ...outcome, commitMark: mark } : outcome;
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

/** Outcome for an unreserve or offset naming a reservation that does not exist (notFound bucket). */
export function reservationNotFound(eventId: string, reservationId: string): ItemOutcome {
  return {
    id: eventId,
    status: 'notFound',
    message: `Reservation ${reservationId} does not exist for this organization and product.`,
    code: 'reservation_not_found',
    extra: { reservationId, totalInvalidOffsetQtyByReservId: 0n },
  };
}

/** Turns anything thrown while validating an item into a failure outcome; rethrows unexpected errors. */
export function failureFromThrown(id: string, thrown: unknown): ItemOutcome {
  if (thrown instanceof OnhandError) return failureOf(id, thrown);
  throw thrown;
}

/** Extra envelope fields that hold quantities (bigints in memory, decimal strings in the ledger). */
const QUANTITY_FIELDS = ['totalInvalidOffsetQtyByReservId', 'released'] as const;

/** An outcome as stored in the ledger: JSON-compatible, quantities as exact decimal strings. */
export function outcomeForLedger(outcome: ItemOutcome): unknown {
  const { commitMark: _mark, ...stored } = outcome;
  return jsonSafe(stored);
}

/** The outcome read back from the ledger, quantities as bigints again, so a replay answers the same. */
export function outcomeFromLedger(stored: unknown): ItemOutcome {
  const outcome = stored as ItemOutcome;
  if (!outcome || typeof outcome !== 'object' || !outcome.extra) return outcome;
  const extra: Record<string, unknown> = { ...outcome.extra };
  for (const field of QUANTITY_FIELDS) {
    const value = extra[field];
    if (typeof value === 'string') extra[field] = parseQty(value, '');
  }
  return { ...outcome, extra };
}

/**
 * A JSON-compatible copy of a value: quantities (bigints) become exact decimal strings ("1.5"). The
 * same result as a JSON round trip (undefined and function fields dropped, undefined array items and
 * non-finite numbers become null, toJSON honoured) without writing and parsing the text.
 */
export function jsonSafe(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return formatQty(value);
    case 'number':
      return Number.isFinite(value) ? value + 0 : null; // -0 becomes 0, as in JSON
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      return value === null ? null : objectJsonSafe(value);
    default:
      return undefined;
  }
}

function objectJsonSafe(value: object): unknown {
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return jsonSafe(withToJson.toJSON());
  if (Array.isArray(value)) return value.map((item: unknown) => jsonSafe(item) ?? null);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = jsonSafe((value as Record<string, unknown>)[key]);
    if (item === undefined) continue;
    // An own "__proto__" key stays a plain field, as JSON.parse would create it.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}
