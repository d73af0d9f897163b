import { fail } from '../../domain/codes.js';
import type { LocationGraph } from '../../domain/oci/location-graph.js';
import {
  checkOciId,
  type FulfillmentRecord,
  type MovementRecord,
  type PlaceRef,
  parseFulfillmentRecord,
  parseReleaseRecord,
  parseTransferRecord,
  type ReleaseRecord,
  recordsOf,
  type TransferRecord,
} from '../../domain/oci/reservation-request.js';
import { formatQty, type Qty } from '../../domain/quantity.js';
import { requestHash } from '../request-hash.js';
import { addHold, documentsOf, type HoldRef, releaseHolds, reserveAtGroup } from './oci-holds.js';
import { fitOciId } from './oci-internal-ids.js';
import { number } from './oci-reservations.js';
import type { OciContext, OciRunner } from './oci-run.js';
import { OCI_RECORD_PREFIX } from './oci-scope.js';

/** A record that failed, in the 200 answer of a batch (spec §3.3–§3.5). */
export interface MovementError {
  details: Record<string, unknown>;
  errorCode: 'InsufficientQuantity' | 'LocationNotInGroup' | 'NotAppliedDueToAtomicFailure';
  message: string;
}

/** undefined: every record applied (204); else the records that failed (200). */
export type MovementAnswer = { errors: MovementError[] } | undefined;

type Kind = 'release' | 'fulfill' | 'transfer';

class RecordFailure extends Error {
  constructor(
    readonly errorCode: MovementError['errorCode'],
    message: string,
  ) {
    super(message);
  }
}

/** Releases, fulfillments and transfers of OCI reservations (spec §3.3–§3.5), which name no reservation id. */
export class OciMovements {
  constructor(private readonly runner: OciRunner) {}

  /** POST /releases: gives back reserved quantity at a location or a group. */
  release(environmentId: string, body: unknown): Promise<MovementAnswer> {
    const records = recordsOf(body).map((r, i) => parseReleaseRecord(r, `/records/${i}`));
    return this.apply(
      environmentId,
      'release',
      records,
      (r) => [r.place],
      false,
      (ctx, r) => {
        if (r.quantity === 0n) return [];
        const released = releaseHolds(ctx, r.sku, r.place, r.quantity);
        if (!released) throw insufficient(r.place, 'reserved');
        return documentsOf(released);
      },
    );
  }

  /**
   * POST /fulfillments: subtracts the quantity from reserved and on hand at the location, atomically;
   * on hand only when fulfillmentTime (default now) is later than the record's effectiveDate.
   */
  fulfill(environmentId: string, body: unknown): Promise<MovementAnswer> {
    const records = recordsOf(body).map((r, i) => parseFulfillmentRecord(r, `/records/${i}`));
    return this.apply(
      environmentId,
      'fulfill',
      records,
      (r) => [{ kind: 'location', id: r.location }],
      false,
      (ctx, r) => {
        const place: PlaceRef = { kind: 'location', id: r.location };
        const slot = ctx.scopes.slot(r.sku, r.location);
        const effective = ctx.scopes.effectiveDate(slot);
        const released = releaseHolds(ctx, r.sku, place, r.quantity);
        if (!released) throw insufficient(place, 'reserved');
        const at = r.fulfillmentTime ?? ctx.now.toISOString();
        if (effective === null || at > effective) {
          const { dataSource, measure } = ctx.measures.onHand;
          ctx.scopes.state(slot).addToMeasure(slot.place, dataSource, measure, -r.quantity);
        }
        return documentsOf(released);
      },
    );
  }

  /** POST /transfers: moves reserved quantity group → location or location → location (spec §3.5). */
  transfer(environmentId: string, body: unknown): Promise<MovementAnswer> {
    const aon = (body as { allOrNothingTransferId?: unknown } | null)?.allOrNothingTransferId;
    if (aon !== undefined) checkOciId(aon, '/allOrNothingTransferId');
    const records = recordsOf(body).map((r, i) => parseTransferRecord(r, `/records/${i}`));
    for (const [i, r] of records.entries()) {
      const path = `/records/${i}`;
      if (r.from.kind === 'group' && r.to.kind === 'group')
        fail('oci_transfer_not_allowed', path, 'Group to Group Transfers are not permitted.');
      if (aon !== undefined && !(r.from.kind === 'group' && r.to.kind === 'location'))
        fail(
          'oci_transfer_not_allowed',
          path,
          'All or nothing transfers are only allowed from Group to Location transfer types.',
        );
      if (r.ignoreAvailabilityCheck && r.from.kind === 'location' && r.to.kind === 'group')
        fail(
          'oci_transfer_not_allowed',
          path,
          'Forcing a reservation cannot be done from a location to a group.',
        );
    }
    return this.apply(
      environmentId,
      'transfer',
      records,
      (r) => [r.from, r.to],
      aon !== undefined,
      (ctx, r) => transferOne(ctx, r),
    );
  }

  private apply<R extends MovementRecord>(
    environmentId: string,
    kind: Kind,
    records: readonly R[],
    placesOf: (r: R) => PlaceRef[],
    allOrNothing: boolean,
    one: (ctx: OciContext, r: R) => Touched[],
  ): Promise<MovementAnswer> {
    const family = `oci-${kind}`;
    const eventId = (r: R) => JSON.stringify([r.id, r.sku]);
    return this.runner.run(
      environmentId,
      (graph) => ({ slots: records.flatMap((r) => slotsOf(graph, r.sku, placesOf(r))) }),
      async (ctx) => {
        const known = await ctx.tx.findEvents(environmentId, family, records.map(eventId));
        const errors: MovementError[] = [];
        const marks = ctx.scopes.allStates().map((s) => [s, s.mark()] as const);
        const touched = new Map<R, Touched[]>();
        for (const r of records) {
          if (known.has(eventId(r))) continue;
          const before = ctx.scopes.allStates().map((s) => [s, s.mark()] as const);
          try {
            touched.set(r, one(ctx, r));
            if (!allOrNothing) record(ctx, kind, family, eventId(r), r, touched.get(r) ?? []);
          } catch (error) {
            if (!(error instanceof RecordFailure)) throw error;
            for (const [state, mark] of before) state.rollbackTo(mark);
            errors.push({ details: echo(r), errorCode: error.errorCode, message: error.message });
            if (allOrNothing) break;
          }
        }
        if (allOrNothing && errors.length > 0) {
          for (const [state, mark] of marks) state.rollbackTo(mark);
          const failed = new Set(errors.map((e) => JSON.stringify(e.details)));
          for (const r of records)
            if (!failed.has(JSON.stringify(echo(r))))
              errors.push({
                details: echo(r),
                errorCode: 'NotAppliedDueToAtomicFailure',
                message: 'Not applied: another record of the all-or-nothing transfer failed.',
              });
        } else if (allOrNothing)
          for (const r of records)
            if (!known.has(eventId(r))) record(ctx, kind, family, eventId(r), r, touched.get(r) ?? []);
        return errors.length > 0 ? { errors } : undefined;
      },
    );
  }
}

/** A reservation document a record took from, and how much (recorded for the reservations export). */
interface Touched {
  readonly reservationId: string;
  readonly quantity: Qty;
  /** The holds a transfer made for the document at its destination (their expiry is the document's). */
  readonly holds?: readonly string[];
}

function record(
  ctx: OciContext,
  kind: Kind,
  family: string,
  eventId: string,
  r: MovementRecord,
  touched: readonly Touched[],
): void {
  const documents = touched.map((t) => ({
    reservationId: t.reservationId,
    quantity: formatQty(t.quantity),
    ...(t.holds ? { holds: t.holds } : {}),
  }));
  ctx.record({
    kind: `oci.${kind}`,
    family,
    eventId,
    bodyHash: requestHash(echo(r)),
    request: { ...echo(r), documents },
    outcome: null,
    reference: null,
  });
}

function transferOne(ctx: OciContext, r: TransferRecord): Touched[] {
  const { scopes } = ctx;
  if (r.from.kind === 'group' && r.to.kind === 'location') {
    const members = ctx.graph.groups.find((g) => g.id === r.from.id)?.locations ?? [];
    if (!members.includes(r.to.id))
      throw new RecordFailure('LocationNotInGroup', `Location ${r.to.id} is not in group ${r.from.id}.`);
  }
  const released = releaseHolds(
    ctx,
    r.sku,
    r.from,
    r.quantity,
    r.to.kind === 'location' ? r.to.id : undefined,
  );
  if (!released) throw insufficient(r.from, 'reserved');
  const documents = documentsOf(released);
  if (r.to.kind === 'location' && !r.ignoreAvailabilityCheck) {
    if (scopes.free(scopes.slot(r.sku, r.to.id), true) < r.quantity) throw insufficient(r.to, 'available');
  }
  // Each document's part moves as a hold of that document, keeping the expiry of its first hold.
  let n = 0;
  const moved: Touched[] = [];
  for (const { reservationId, quantity } of documents) {
    const holds: HoldRef[] = [];
    const first = released.find((x) => x.record.eventId === reservationId)?.record;
    const base = {
      reservationId,
      expiresAt: first?.expiresAt ?? null,
      now: ctx.now.toISOString(),
      newId: () => fitOciId(`${OCI_RECORD_PREFIX}transfer~${JSON.stringify([r.id, r.sku])}~${n++}`),
    };
    if (r.to.kind === 'location') addHold(scopes, scopes.slot(r.sku, r.to.id), quantity, base, holds);
    else if (reserveAtGroup(ctx, r.to.id, r.sku, quantity, false, base, holds) < quantity)
      throw insufficient(r.to, 'available');
    moved.push({ reservationId, quantity, holds: holds.map((h) => h.recordId) });
  }
  return moved;
}

function insufficient(place: PlaceRef, what: 'reserved' | 'available'): RecordFailure {
  return new RecordFailure(
    'InsufficientQuantity',
    `Not enough ${what} quantity at ${place.kind} ${place.id}; nothing of the record was applied.`,
  );
}

/** The SKU's slots at the places a record names; an unknown place refuses the whole request. */
function slotsOf(graph: LocationGraph, sku: string, places: readonly PlaceRef[]) {
  return places.flatMap((p) => {
    if (p.kind === 'location') {
      if (!graph.locations.some((l) => l.id === p.id))
        fail('oci_unknown_location', '/records', `Location "${p.id}" does not exist.`);
      return [{ sku, locationId: p.id }];
    }
    const group = graph.groups.find((g) => g.id === p.id);
    if (!group) fail('oci_unknown_group', '/records', `Group "${p.id}" does not exist.`);
    return group.locations.map((locationId) => ({ sku, locationId }));
  });
}

/** A record as the answer echoes it (spec: details). */
function echo(
  r: MovementRecord & Partial<ReleaseRecord & FulfillmentRecord & TransferRecord>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { id: r.id };
  if (r.externalRefId !== null) out.externalRefId = r.externalRefId;
  if (r.place) out[r.place.kind] = r.place.id;
  if (r.location) out.location = r.location;
  if (r.from) out.from = { [r.from.kind]: r.from.id };
  if (r.to) out.to = { [r.to.kind]: r.to.id };
  out.sku = r.sku;
  out.quantity = number(r.quantity as Qty);
  return out;
}
