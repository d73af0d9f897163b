import type { Qty } from '../../quantity.js';
import { ivReleaseOf } from './iv-releases.js';
import {
  type DetailAction,
  type DetailLine,
  type ExportedReservation,
  type Json,
  lineOf,
  ms,
  num,
  obj,
  type PlaceRef,
  placeOf,
  placeRef,
  qty,
  samePlace,
  str,
} from './reservation-lines.js';

/** What the reservations export reads of a ledger entry (docs/oci.md, "Reservations export"). */
export interface AuditEntry {
  readonly seq: number;
  readonly kind: string;
  readonly recordedAt: string;
  readonly request: unknown;
  readonly outcome: unknown;
}

export type { DetailAction, DetailLine, ExportedReservation, PlaceRef };

/** Which documents an export takes: created between `from` and `to` (ISO-8601), in the given state. */
export interface ReservationFilter {
  readonly from: string;
  readonly to: string;
  readonly state: 'OPEN' | 'CLOSED';
}

interface Doc {
  readonly reservationId: string;
  readonly externalRefId: string | null;
  readonly reservationTime: number;
  readonly createdAt: string;
  readonly lines: DetailLine[];
  remaining: Qty;
  cancelled: boolean;
}

/**
 * Folds OCI ledger entries (in commit order) into reservation documents (spec §4.6): a create
 * (`oci.reserve`) makes the document and its lines (what was reserved, action `Reserved`); releases,
 * fulfilments and transfers (which name the documents they took from) add `Released`, `Fulfilled` and
 * `Moved` actions; a cancel adds `Cancelled`, an expiry of one of its holds `Expired`. A document is
 * CLOSED once cancelled or once nothing of it is held any more, else OPEN. Entries of other kinds are
 * ignored, so the whole ledger can be fed through.
 */
export class ReservationFold {
  readonly #docs = new Map<string, Doc>();
  /** IV hold record id → its document and the line it serves. */
  readonly #holds = new Map<string, { doc: Doc; line: DetailLine }>();
  /** The last IV release that may have released several holds (its first took the whole quantity). */
  #lastIv: { eventId: string; doc: Doc; action: { quantity: number } } | undefined;

  add(entry: AuditEntry): void {
    const request = obj(entry.request);
    if (entry.request === null) return;
    if (entry.kind === 'oci.reserve') this.created(entry, request);
    else if (entry.kind === 'oci.cancel') this.cancelled(entry, request);
    else if (entry.kind === 'oci.release' || entry.kind === 'oci.fulfill' || entry.kind === 'oci.transfer')
      this.moved(entry, request);
    else if (entry.kind === 'oci.update') this.updated(entry, request);
    else if (entry.kind === 'reservation.expire') this.expired(entry, request);
    else this.ivReleased(entry);
  }

  /** The documents kept by the filter, in the order they were created. */
  documents(filter: ReservationFilter): ExportedReservation[] {
    const out: ExportedReservation[] = [];
    for (const doc of this.#docs.values()) {
      if (doc.createdAt < filter.from || doc.createdAt > filter.to) continue;
      const state = doc.cancelled || doc.remaining <= 0n ? 'CLOSED' : 'OPEN';
      if (state !== filter.state) continue;
      out.push({
        reservationId: doc.reservationId,
        ...(doc.externalRefId !== null ? { externalRefId: doc.externalRefId } : {}),
        reservationTime: doc.reservationTime,
        reservationState: state,
        reservationDetails: doc.lines,
      });
    }
    return out;
  }

  private created(entry: AuditEntry, request: Json): void {
    const reservationId = str(request.reservationId);
    if (reservationId === undefined || this.#docs.has(reservationId)) return;
    const answer = obj(entry.outcome);
    const externalRefId = str(request.externalRefId) ?? null;
    const doc: Doc = {
      reservationId,
      externalRefId,
      reservationTime: Date.parse(str(answer.reservationTime) ?? entry.recordedAt),
      createdAt: entry.recordedAt,
      lines: [],
      remaining: 0n,
      cancelled: false,
    };
    for (const kind of ['locations', 'groups'] as const) {
      const places = Array.isArray(answer[kind]) ? (answer[kind] as unknown[]) : [];
      for (const place of places.map(obj)) {
        const id = str(place.id) ?? '';
        const details = Array.isArray(place.details) ? (place.details as unknown[]).map(obj) : [];
        for (const d of details) {
          const quantity = qty(d.quantity);
          const at: PlaceRef = kind === 'locations' ? { location: id } : { group: id };
          doc.lines.push({
            ...at,
            sku: str(d.sku) ?? '',
            quantity: num(quantity),
            reservationDetailActions: [
              {
                requestId: reservationId,
                ...(externalRefId !== null ? { externalRefId } : {}),
                quantity: num(quantity),
                action: 'Reserved',
                ...at,
                timestamp: ms(entry.recordedAt),
              },
            ],
          });
          doc.remaining += quantity;
        }
      }
    }
    const holds = Array.isArray(request.holds) ? (request.holds as unknown[]).map(obj) : [];
    for (const h of holds) {
      const sku = str(h.sku);
      const place: PlaceRef =
        str(h.groupId) !== undefined
          ? { group: str(h.groupId) ?? '' }
          : { location: str(h.locationId) ?? '' };
      const line = lineOf(doc, sku, place);
      const recordId = str(h.recordId);
      if (line && recordId !== undefined) this.#holds.set(recordId, { doc, line });
    }
    this.#docs.set(reservationId, doc);
  }

  private cancelled(entry: AuditEntry, request: Json): void {
    const doc = this.#docs.get(str(request.reservationId) ?? '');
    if (!doc || doc.cancelled) return;
    doc.cancelled = true;
    const released = Array.isArray(request.released) ? (request.released as unknown[]).map(obj) : [];
    const byLine = new Map<DetailLine, Qty>();
    for (const r of released) {
      const held = this.#holds.get(str(r.recordId) ?? '');
      const line = held?.line ?? doc.lines[0];
      if (line) byLine.set(line, (byLine.get(line) ?? 0n) + qty(r.quantity));
    }
    for (const [line, quantity] of byLine) {
      doc.remaining -= quantity;
      line.reservationDetailActions.push({
        requestId: doc.reservationId,
        quantity: num(quantity),
        action: 'Cancelled',
        ...placeOf(line),
        timestamp: ms(entry.recordedAt),
      });
    }
  }

  private moved(entry: AuditEntry, request: Json): void {
    const documents = Array.isArray(request.documents) ? (request.documents as unknown[]).map(obj) : [];
    const sku = str(request.sku);
    const externalRefId = str(request.externalRefId);
    const from = placeRef(request.from);
    const to = placeRef(request.to);
    const at: PlaceRef | undefined = entry.kind === 'oci.transfer' ? from : (placeRef(request) ?? undefined);
    for (const d of documents) {
      const doc = this.#docs.get(str(d.reservationId) ?? '');
      if (!doc) continue;
      const quantity = qty(d.quantity);
      const line = lineOf(doc, sku, at) ?? doc.lines[0];
      if (!line) continue;
      const base = {
        requestId: str(request.id) ?? '',
        ...(externalRefId !== undefined ? { externalRefId } : {}),
        quantity: num(quantity),
        timestamp: ms(entry.recordedAt),
      };
      if (entry.kind === 'oci.transfer') {
        line.reservationDetailActions.push({
          ...base,
          action: 'Moved',
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
        });
        const holds = Array.isArray(d.holds) ? (d.holds as unknown[]) : [];
        for (const id of holds) if (typeof id === 'string') this.#holds.set(id, { doc, line });
      } else {
        doc.remaining -= quantity;
        line.reservationDetailActions.push({
          ...base,
          action: entry.kind === 'oci.fulfill' ? 'Fulfilled' : 'Released',
          ...(at ?? {}),
        });
      }
    }
  }

  /**
   * A Connect update: a raise adds to its line's quantity (a new line when the reservation held
   * nothing of the SKU there) with a `Reserved` action, a cut adds a `Released` action; its new holds
   * serve the line (for their expiry).
   */
  private updated(entry: AuditEntry, request: Json): void {
    const doc = this.#docs.get(str(request.reservationId) ?? '');
    if (!doc) return;
    const requestId = str(request.actionRequestId) ?? '';
    const externalRefId = str(request.externalRefId);
    const lines = Array.isArray(request.lines) ? (request.lines as unknown[]).map(obj) : [];
    for (const l of lines) {
      const at = placeRef(l);
      const sku = str(l.sku);
      const adjustment = qty(l.adjustment);
      if (!at || sku === undefined || adjustment === 0n) continue;
      let line = doc.lines.find((x) => x.sku === sku && samePlace(placeOf(x), at));
      if (!line) {
        if (adjustment < 0n) continue;
        line = { ...at, sku, quantity: 0, reservationDetailActions: [] };
        doc.lines.push(line);
      }
      const amount = adjustment < 0n ? -adjustment : adjustment;
      doc.remaining += adjustment;
      if (adjustment > 0n) (line as { quantity: number }).quantity = num(qty(line.quantity) + adjustment);
      line.reservationDetailActions.push({
        requestId,
        ...(externalRefId !== undefined ? { externalRefId } : {}),
        quantity: num(amount),
        action: adjustment > 0n ? 'Reserved' : 'Released',
        ...at,
        timestamp: ms(entry.recordedAt),
      });
    }
    const holds = Array.isArray(request.holds) ? (request.holds as unknown[]).map(obj) : [];
    for (const h of holds) {
      const place: PlaceRef =
        str(h.groupId) !== undefined
          ? { group: str(h.groupId) ?? '' }
          : { location: str(h.locationId) ?? '' };
      const line = lineOf(doc, str(h.sku), place);
      const recordId = str(h.recordId);
      if (line && recordId !== undefined) this.#holds.set(recordId, { doc, line });
    }
  }

  /** An IV release of OCI holds (iv-releases.ts): `Released` on the line each hold serves. */
  private ivReleased(entry: AuditEntry): void {
    const release = ivReleaseOf(entry);
    if (!release) return;
    const held = this.#holds.get(release.recordId);
    const first = release.ofFirst ? this.#lastIv : undefined;
    if (first && first.eventId === release.requestId) {
      first.doc.remaining += release.amount;
      first.action.quantity = num(qty(first.action.quantity) - release.amount);
    }
    if (!held || release.amount <= 0n) {
      if (!release.ofFirst) this.#lastIv = undefined;
      return;
    }
    held.doc.remaining -= release.amount;
    const action: DetailAction = {
      requestId: release.requestId,
      quantity: num(release.amount),
      action: 'Released',
      ...placeOf(held.line),
      timestamp: ms(entry.recordedAt),
    };
    held.line.reservationDetailActions.push(action);
    if (!release.ofFirst)
      this.#lastIv = { eventId: release.requestId, doc: held.doc, action: action as { quantity: number } };
  }

  private expired(entry: AuditEntry, request: Json): void {
    const held = this.#holds.get(str(request.reservationId) ?? '');
    if (!held) return;
    const released = qty(obj(obj(entry.outcome).extra).released);
    if (released <= 0n) return;
    held.doc.remaining -= released;
    held.line.reservationDetailActions.push({
      requestId: held.doc.reservationId,
      quantity: num(released),
      action: 'Expired',
      ...placeOf(held.line),
      timestamp: ms(entry.recordedAt),
    });
  }
}
