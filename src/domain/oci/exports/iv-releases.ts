import { parseQty, type Qty } from '../../quantity.js';
import type { AuditEntry } from './reservation-documents.js';

/** What an IV ledger entry released of one reservation record (docs/oci.md, "Reservations export"). */
export interface IvRelease {
  /** The IV reservation record (an OCI hold when it starts with `oci~`). */
  readonly recordId: string;
  readonly amount: Qty;
  /** The client's event id of the IV request. */
  readonly requestId: string;
  /**
   * True for the entry of a further record a multi-record release took from: its amount was counted
   * in the first record's entry, which answered the whole quantity.
   */
  readonly ofFirst: boolean;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const qty = (v: unknown): Qty =>
  typeof v === 'string' || typeof v === 'number' ? parseQty(String(v), '') : 0n;
const abs = (q: Qty) => (q < 0n ? -q : q);

/**
 * The release an IV entry made: `reservation.unreserve` (one record by id), `reservation.offset` (by
 * id, or the open records at the dimensions), `reservation.release` (a negative reserve). The entry of
 * a multi-record release names the first record and the whole quantity released; each further record
 * has an entry of its own (`request.releasedBy`, `outcome.extra.released`). Undefined for other kinds.
 */
export function ivReleaseOf(entry: AuditEntry): IvRelease | undefined {
  if (
    entry.kind !== 'reservation.unreserve' &&
    entry.kind !== 'reservation.offset' &&
    entry.kind !== 'reservation.release'
  )
    return undefined;
  if (entry.request === null) return undefined;
  const request = obj(entry.request);
  const outcome = obj(entry.outcome);
  const extra = obj(outcome.extra);
  if ('releasedBy' in request) {
    const recordId = str(extra.reservationId);
    if (recordId === undefined) return undefined;
    return { recordId, amount: qty(extra.released), requestId: str(request.releasedBy) ?? '', ofFirst: true };
  }
  const recordId = str(extra.reservationId);
  if (recordId === undefined || recordId === '') return undefined;
  const requestId = str(outcome.id) ?? str(request.eventId) ?? '';
  const amount = abs(qty(request.quantity)) - qty(extra.totalInvalidOffsetQtyByReservId);
  return { recordId, amount: amount > 0n ? amount : 0n, requestId, ofFirst: false };
}
