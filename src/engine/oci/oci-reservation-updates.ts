import { fail } from '../../domain/codes.js';
import { lockOrder } from '../../domain/oci/group-locks.js';
import { checkOciId } from '../../domain/oci/reservation-request.js';
import { parseReservationUpdate, type UpdateLine } from '../../domain/oci/reservation-update.js';
import { formatQty, type Qty } from '../../domain/quantity.js';
import type { ReservationRecord, Store } from '../../store/store.js';
import { requestHash } from '../request-hash.js';
import {
  checkCurrent,
  type DocumentState,
  type Hold,
  readDocument,
  reference,
  UPDATE_MARK,
  updateMark,
  withCurrentDocument,
} from './oci-document.js';
import { type HoldBase, reserveAtGroup, reserveAtLocation } from './oci-holds.js';
import { slotsOf } from './oci-reservations.js';
import type { OciContext, OciRunner } from './oci-run.js';
import { OCI_RECORD_PREFIX, type OciSlot, reservationLock } from './oci-scope.js';

/** One line of an update answer: what the reservation holds there now and by how much it changed. */
export interface UpdateDetail {
  readonly location?: string;
  readonly group?: string;
  readonly sku: string;
  /** What the reservation holds of the SKU at the place after the update. */
  readonly quantity: number;
  /** The change: the new total less what it held before (negative when lowered). */
  readonly adjustment: number;
  readonly errorCode?: 'InsufficientQuantity';
}

/** The answer of an update (docs/oci.md, "Connect reservation updates"). */
export interface UpdateAnswer {
  readonly success: boolean;
  readonly reservationTime: string;
  readonly expirationTime?: string;
  readonly details: UpdateDetail[];
}

const number = (q: Qty) => Number(formatQty(q));

/**
 * Updates of reservation documents (Connect `reservation/actions/update`, v61.0): each record gives
 * the quantity the reservation is to hold of a SKU at a place, its new total. A raise reserves the
 * difference as a create would (never beyond what is free: no oversell), a cut releases the
 * difference from the document's own holds there, 0 releases the line. The expiry stays the
 * document's. Whole or nothing unless allowPartialReservations (and not updateAllOrNothingRecords):
 * then each record by itself and a raise may be granted in part. `actionRequestId` is the update's
 * idempotency key: the same id and body answer the first answer again, another body 409.
 */
export class OciReservationUpdates {
  constructor(
    private readonly store: Store,
    private readonly runner: OciRunner,
    private readonly onExpiry: (expiresAt: string) => void,
  ) {}

  async update(
    environmentId: string,
    reservationId: string,
    actionRequestId: string,
    body: unknown,
  ): Promise<UpdateAnswer> {
    checkOciId(reservationId, '/reservationId');
    checkOciId(actionRequestId, '/actionRequestId');
    const request = parseReservationUpdate(body);
    const hash = requestHash({ reservationId, body });
    const answer = await withCurrentDocument(async () => {
      const doc = await readDocument(this.store, environmentId, reservationId);
      return this.runner.run(
        environmentId,
        (graph) => ({
          slots: [
            ...doc.holds.map((h) => ({ sku: h.sku, locationId: h.locationId })),
            ...slotsOf(graph, request.lines),
          ],
          locks: [reservationLock(environmentId, reservationId)],
        }),
        async (ctx) => {
          const known = (await ctx.tx.findEvents(environmentId, 'oci-update', [actionRequestId])).get(
            actionRequestId,
          );
          if (known) {
            if (known.bodyHash === hash) return known.outcome as UpdateAnswer;
            fail(
              'event_id_conflict',
              '/actionRequestId',
              `Update ${actionRequestId} was sent with another body.`,
            );
          }
          if ((await ctx.tx.findEvents(environmentId, 'oci-cancel', [reservationId])).size > 0)
            fail('oci_reservation_cancelled', '/reservationId', `Reservation ${reservationId} is cancelled.`);
          await checkCurrent(ctx, reservationId, doc);
          if (doc.expiresAt !== null && doc.expiresAt <= ctx.now.toISOString())
            fail('oci_reservation_expired', '/reservationId', `Reservation ${reservationId} has expired.`);
          return applyUpdate(ctx, reservationId, actionRequestId, doc, request, hash);
        },
      );
    });
    // As a create: a partial answer may still have written holds that expire.
    if (answer.expirationTime) this.onExpiry(answer.expirationTime);
    return answer;
  }
}

/** The slots of a line's place, in the order a cut releases (a group: most shared location first). */
function lineSlots(ctx: OciContext, line: UpdateLine): OciSlot[] {
  const ids =
    line.place.kind === 'location' ? [line.place.id] : [...lockOrder(ctx.graph, line.place.id)].reverse();
  return ids.map((id) => ctx.scopes.slot(line.sku, id));
}

/** The document's open holds of a line (transferred ones included: they keep the document's id). */
function heldBy(ctx: OciContext, reservationId: string, line: UpdateLine): [OciSlot, ReservationRecord[]][] {
  const groupId = line.place.kind === 'group' ? line.place.id : undefined;
  return lineSlots(ctx, line).map((slot) => [
    slot,
    ctx.scopes.records(slot, groupId).filter((r) => r.eventId === reservationId),
  ]);
}

function applyUpdate(
  ctx: OciContext,
  reservationId: string,
  actionRequestId: string,
  doc: DocumentState,
  request: ReturnType<typeof parseReservationUpdate>,
  hash: string,
): UpdateAnswer {
  const { scopes } = ctx;
  const now = ctx.now.toISOString();
  const n = doc.updates + 1;
  const holds: Hold[] = [];
  const base: HoldBase = {
    reservationId,
    expiresAt: doc.expiresAt,
    now,
    newId: () => `${OCI_RECORD_PREFIX}${reservationId}~u${n}~${holds.length}`,
  };
  const released: { recordId: string; quantity: string }[] = [];
  const before = new Map<UpdateLine, Qty>();
  const after = new Map<UpdateLine, Qty>();
  const short = new Set<UpdateLine>();
  const units = request.partial ? request.lines.map((l) => [l]) : [request.lines];
  for (const unit of units) {
    const marks = scopes.allStates().map((s) => [s, s.mark()] as const);
    const holdsBefore = holds.length;
    const releasedBefore = released.length;
    let failed = false;
    for (const line of unit) {
      const held = heldBy(ctx, reservationId, line);
      const current = held.reduce((sum, [, rs]) => sum + rs.reduce((s, r) => s + r.remaining, 0n), 0n);
      before.set(line, current);
      let now2 = current;
      if (line.quantity < current) {
        let left = current - line.quantity;
        for (const [slot, records] of held) {
          if (left <= 0n) break;
          const { releases } = scopes.state(slot).release(records, left, now, 'released');
          for (const r of releases) {
            left -= r.amount;
            released.push({ recordId: r.reservationId, quantity: formatQty(r.amount) });
          }
        }
        now2 = line.quantity;
      } else if (line.quantity > current) {
        const want = line.quantity - current;
        const got =
          line.place.kind === 'location'
            ? reserveAtLocation(
                scopes,
                scopes.slot(line.sku, line.place.id),
                want,
                request.partial,
                false,
                base,
                holds,
              )
            : reserveAtGroup(ctx, line.place.id, line.sku, want, request.partial, base, holds);
        now2 = current + got;
        if (got < want) {
          short.add(line);
          if (!request.partial) failed = true;
        }
      }
      after.set(line, now2);
      if (failed) break;
    }
    if (failed) {
      for (const [state, mark] of marks) state.rollbackTo(mark);
      holds.splice(holdsBefore);
      released.splice(releasedBefore);
      for (const line of unit) after.set(line, before.get(line) ?? 0n);
    }
  }
  const details = request.lines.map((line): UpdateDetail => {
    const was = before.get(line) ?? 0n;
    const is = after.get(line) ?? was;
    return {
      [line.place.kind]: line.place.id,
      sku: line.sku,
      quantity: number(is),
      adjustment: number(is - was),
      ...(short.has(line) ? { errorCode: 'InsufficientQuantity' as const } : {}),
    };
  });
  const answer: UpdateAnswer = {
    success: short.size === 0,
    reservationTime: request.reservationTime ?? now,
    ...(doc.expiresAt ? { expirationTime: doc.expiresAt } : {}),
    details,
  };
  ctx.record({
    kind: 'oci.update',
    family: 'oci-update',
    eventId: actionRequestId,
    bodyHash: hash,
    request: {
      reservationId,
      actionRequestId,
      externalRefId: request.externalRefId,
      expiresAt: doc.expiresAt,
      holds,
      released,
      lines: details.map(({ errorCode: _, ...d }) => d),
    },
    outcome: answer,
    reference: reference(reservationId),
  });
  ctx.record({
    kind: 'oci.update.mark',
    family: UPDATE_MARK,
    eventId: updateMark(reservationId, n),
    bodyHash: '',
    request: null,
    outcome: null,
    reference: reference(reservationId),
  });
  return answer;
}
