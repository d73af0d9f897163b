import { fail } from '../../domain/codes.js';
import { lockOrder, planLocks } from '../../domain/oci/group-locks.js';
import type { LocationGraph } from '../../domain/oci/location-graph.js';
import {
  checkOciId,
  parseReservationRequest,
  type ReservationLine,
  type ReservationRequest,
} from '../../domain/oci/reservation-request.js';
import { formatQty, type Qty } from '../../domain/quantity.js';
import type { Store } from '../../store/store.js';
import { requestHash } from '../request-hash.js';
import { checkCurrent, type Hold, readDocument, reference, withCurrentDocument } from './oci-document.js';
import { reserveAtGroup, reserveAtLocation } from './oci-holds.js';
import type { OciContext, OciRunner } from './oci-run.js';
import { OCI_RECORD_PREFIX, reservationLock } from './oci-scope.js';

/** One place of a create answer (spec §3.1): what was reserved, what was not. */
export interface PlaceAnswer {
  id: string;
  details: { sku: string; quantity: number }[];
  errors: { sku: string; errorCode: 'InsufficientQuantity' | 'Unknown'; message?: string }[];
}

/** The create answer (spec §3.1, 200). */
export interface ReservationAnswer {
  reservationTime: string;
  expirationTime?: string;
  success: boolean;
  locations: PlaceAnswer[];
  groups: PlaceAnswer[];
}

export type { Hold };
export { reference };
export const number = (q: Qty) => Number(formatQty(q));

/** OCI reservation documents (spec §3.1, §3.2): create with a client-chosen id, cancel. */
export class OciReservationDocuments {
  constructor(
    private readonly store: Store,
    private readonly runner: OciRunner,
    private readonly onExpiry: (expiresAt: string) => void,
  ) {}

  /**
   * Creates reservation `reservationId` (PUT …/reservation-documents/{id}). The same id with the same
   * body answers the first answer again; with another body 409 oci_reservation_exists. Unknown places
   * refuse the whole request (nothing processed). Group lines lock stock at member locations least
   * shared first and never beyond the group's ATF; location lines take ATO (ATF with fulfillOnly) less
   * what groups hold there.
   */
  async create(environmentId: string, reservationId: string, body: unknown): Promise<ReservationAnswer> {
    checkOciId(reservationId, '/reservationId');
    const request = parseReservationRequest(body);
    const hash = requestHash(body);
    const answer = await this.runner.run(
      environmentId,
      (graph) => ({
        slots: slotsOf(graph, request.lines),
        locks: [reservationLock(environmentId, reservationId)],
      }),
      async (ctx) => {
        const known = (await ctx.tx.findEvents(environmentId, 'oci-reserve', [reservationId])).get(
          reservationId,
        );
        if (known) {
          if (known.bodyHash === hash) return known.outcome as ReservationAnswer;
          fail(
            'oci_reservation_exists',
            '/reservationId',
            `A reservation with id ${reservationId} already exists.`,
          );
        }
        return reserve(ctx, reservationId, request, hash);
      },
    );
    if (answer.expirationTime) this.onExpiry(answer.expirationTime);
    return answer;
  }

  /** Cancels a reservation (PATCH …/reservation-documents/{id} with status CANCELLED): releases what it still holds. */
  async cancel(environmentId: string, reservationId: string, body: unknown): Promise<void> {
    checkOciId(reservationId, '/reservationId');
    if (typeof body !== 'object' || body === null || (body as { status?: unknown }).status !== 'CANCELLED')
      fail('invalid_request', '/status', 'The only status a reservation can be given is CANCELLED.');
    await withCurrentDocument(async () => {
      const doc = await readDocument(this.store, environmentId, reservationId);
      const { holds } = doc;
      await this.runner.run(
        environmentId,
        () => ({
          slots: holds.map((h) => ({ sku: h.sku, locationId: h.locationId })),
          named: holds.map((h) => h.recordId),
          locks: [reservationLock(environmentId, reservationId)],
        }),
        async (ctx) => {
          const done = await ctx.tx.findEvents(environmentId, 'oci-cancel', [reservationId]);
          if (done.size > 0)
            fail(
              'oci_reservation_cancelled',
              '/reservationId',
              `Reservation ${reservationId} is already cancelled.`,
            );
          await checkCurrent(ctx, reservationId, doc);
          const now = ctx.now.toISOString();
          const released: { recordId: string; quantity: string }[] = [];
          for (const hold of holds) {
            const state = ctx.scopes.state(ctx.scopes.slot(hold.sku, hold.locationId));
            const record = state.reservations.get(hold.recordId);
            if (!record || record.remaining <= 0n) continue;
            released.push({ recordId: hold.recordId, quantity: formatQty(record.remaining) });
            state.release([record], record.remaining, now, 'released');
          }
          ctx.record({
            kind: 'oci.cancel',
            family: 'oci-cancel',
            eventId: reservationId,
            bodyHash: '',
            request: { reservationId, status: 'CANCELLED', released },
            outcome: null,
            reference: reference(reservationId),
          });
        },
      );
    });
  }
}

/** Every SKU × location a set of lines may touch (a group line: all of the group's locations). */
export function slotsOf(graph: LocationGraph, lines: readonly Pick<ReservationLine, 'place' | 'sku'>[]) {
  const locations = new Set(graph.locations.map((l) => l.id));
  const groups = new Map(graph.groups.map((g) => [g.id, g.locations]));
  // "If any of the location groups or locations provided in the request are invalid, nothing is processed."
  for (const line of lines) {
    if (line.place.kind === 'location' && !locations.has(line.place.id))
      fail('oci_unknown_location', '/locations', `Location "${line.place.id}" does not exist.`);
    if (line.place.kind === 'group' && !groups.has(line.place.id))
      fail('oci_unknown_group', '/groups', `Group "${line.place.id}" does not exist.`);
  }
  return lines.flatMap((line) =>
    line.place.kind === 'location'
      ? [{ sku: line.sku, locationId: line.place.id }]
      : (groups.get(line.place.id) ?? []).map((locationId) => ({ sku: line.sku, locationId })),
  );
}

/** Units reserved whole or not at all: the request (no partials), each all-or-nothing list, else each line. */
function unitsOf(request: ReservationRequest): { lines: ReservationLine[]; partial: boolean }[] {
  if (!request.allowPartialReservations) return [{ lines: [...request.lines], partial: false }];
  const units = new Map<string, ReservationLine[]>();
  const out: { lines: ReservationLine[]; partial: boolean }[] = [];
  for (const line of request.lines) {
    if (line.allOrNothingId === undefined) out.push({ lines: [line], partial: true });
    else {
      const unit = units.get(line.allOrNothingId) ?? [];
      if (unit.length === 0) out.push({ lines: unit, partial: false });
      units.set(line.allOrNothingId, unit);
      unit.push(line);
    }
  }
  return out;
}

function reserve(
  ctx: OciContext,
  reservationId: string,
  request: ReservationRequest,
  hash: string,
): ReservationAnswer {
  const { scopes } = ctx;
  const expiresAt =
    request.expirationSeconds === null
      ? null
      : new Date(ctx.now.getTime() + request.expirationSeconds * 1000).toISOString();
  const holds: Hold[] = [];
  const reserved = new Map<ReservationLine, Qty>();
  const short = new Set<ReservationLine>();
  const newId = () => `${OCI_RECORD_PREFIX}${reservationId}~${holds.length}`;
  const base = { reservationId, expiresAt, now: ctx.now.toISOString(), newId };
  for (const unit of unitsOf(request)) {
    const marks = scopes.allStates().map((s) => [s, s.mark()] as const);
    const before = holds.length;
    let failed = false;
    for (const line of unit.lines) {
      const got =
        line.place.kind === 'location'
          ? reserveAtLocation(
              scopes,
              scopes.slot(line.sku, line.place.id),
              line.quantity,
              unit.partial,
              request.fulfillOnly,
              base,
              holds,
            )
          : reserveAtGroup(ctx, line.place.id, line.sku, line.quantity, unit.partial, base, holds);
      reserved.set(line, (reserved.get(line) ?? 0n) + got);
      if (got < line.quantity) {
        short.add(line);
        if (!unit.partial) failed = true;
      }
      if (failed) break;
    }
    if (failed) {
      for (const [state, mark] of marks) state.rollbackTo(mark);
      holds.splice(before);
      for (const line of unit.lines) {
        reserved.delete(line);
        short.add(line);
      }
    }
  }
  const answer: ReservationAnswer = {
    reservationTime: request.reservationTime ?? ctx.now.toISOString(),
    ...(expiresAt ? { expirationTime: expiresAt } : {}),
    success: short.size === 0,
    locations: placesOf(request.lines, 'location', reserved, short),
    groups: placesOf(request.lines, 'group', reserved, short),
  };
  ctx.record({
    kind: 'oci.reserve',
    family: 'oci-reserve',
    eventId: reservationId,
    bodyHash: hash,
    request: { reservationId, expiresAt, externalRefId: request.externalRefId, holds },
    outcome: answer,
    reference: reference(reservationId),
  });
  return answer;
}

function placesOf(
  lines: readonly ReservationLine[],
  kind: 'location' | 'group',
  reserved: Map<ReservationLine, Qty>,
  short: Set<ReservationLine>,
): PlaceAnswer[] {
  const places = new Map<string, PlaceAnswer>();
  for (const line of lines.filter((l) => l.place.kind === kind)) {
    const place = places.get(line.place.id) ?? { id: line.place.id, details: [], errors: [] };
    places.set(line.place.id, place);
    const got = reserved.get(line) ?? 0n;
    if (got > 0n) place.details.push({ sku: line.sku, quantity: number(got) });
    if (short.has(line) && got === 0n)
      place.errors.push({
        sku: line.sku,
        errorCode: 'InsufficientQuantity',
        message: 'Insufficient quantity available.',
      });
  }
  return [...places.values()];
}

export { lockOrder, planLocks };
