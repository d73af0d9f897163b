import type { MovementAnswer } from '../../../engine/oci/oci-movements.js';
import type { UpdateAnswer } from '../../../engine/oci/oci-reservation-updates.js';
import type { ReservationAnswer } from '../../../engine/oci/oci-reservations.js';
import { ConnectError } from './connect-errors.js';

/**
 * The Connect reservation resources (spec §7) as a mapping onto the OCI reservation engine
 * (engine.oci.reservations, engine.oci.movements): `actionRequestId` of a create is the reservation
 * id (its idempotency key), of a movement record the record id; places are `locationIdentifier` or
 * `locationGroupIdentifier` (`from…`/`to…` in transfers).
 */

type Input = Record<string, unknown>;
const bad = (message: string) => new ConnectError(400, 'INVALID_API_INPUT', message);

/** `{ location }` or `{ group }` of a record that names one of `locationIdentifier`/`locationGroupIdentifier`. */
function placeOf(
  record: Input,
  prefix: '' | 'from' | 'to',
  path: string,
): { location: string } | { group: string } {
  const locationKey = prefix ? `${prefix}LocationIdentifier` : 'locationIdentifier';
  const groupKey = prefix ? `${prefix}LocationGroupIdentifier` : 'locationGroupIdentifier';
  const location = record[locationKey];
  const group = record[groupKey];
  if ((location === undefined) === (group === undefined))
    throw bad(`${path}: name exactly one of ${locationKey} and ${groupKey}.`);
  return location !== undefined ? { location: String(location) } : { group: String(group) };
}

/** A create request as the SCAPI body: createRecords grouped by place, in the order given. */
export function toReservationBody(input: Input): { reservationId: string; body: Input } {
  const records = (input.createRecords ?? []) as Input[];
  const locations = new Map<string, { sku: unknown; quantity: unknown }[]>();
  const groups = new Map<string, { sku: unknown; quantity: unknown }[]>();
  records.forEach((record, i) => {
    const place = placeOf(record, '', `/createRecords/${i}`);
    const into = 'location' in place ? locations : groups;
    const id = 'location' in place ? place.location : place.group;
    into.set(id, [...(into.get(id) ?? []), { sku: record.stockKeepingUnit, quantity: record.quantity }]);
  });
  const body: Input = {};
  for (const key of ['externalRefId', 'expirationSeconds', 'allowPartialReservations', 'reservationTime'])
    if (input[key] !== undefined) body[key] = input[key];
  if (locations.size > 0) body.locations = [...locations].map(([id, reservations]) => ({ id, reservations }));
  if (groups.size > 0) body.groups = [...groups].map(([id, reservations]) => ({ id, reservations }));
  return { reservationId: String(input.actionRequestId), body };
}

/** The create answer in Connect's shape: one detail per SKU and place, refused lines with their errorCode. */
export function fromReservationAnswer(answer: ReservationAnswer, requested: Input) {
  const asked = new Map<string, unknown>();
  for (const r of (requested.createRecords ?? []) as Input[]) {
    const key = `${String(r.locationIdentifier ?? r.locationGroupIdentifier)}\u0000${String(r.stockKeepingUnit)}`;
    asked.set(key, r.quantity);
  }
  const details: Record<string, unknown>[] = [];
  const add = (
    kind: 'locationIdentifier' | 'locationGroupIdentifier',
    places: ReservationAnswer['locations'],
  ) => {
    for (const place of places) {
      for (const d of place.details)
        details.push({ [kind]: place.id, stockKeepingUnit: d.sku, quantity: d.quantity });
      for (const e of place.errors)
        details.push({
          [kind]: place.id,
          stockKeepingUnit: e.sku,
          quantity: asked.get(`${place.id}\u0000${e.sku}`) ?? 0,
          errorCode: e.errorCode,
        });
    }
  };
  add('locationIdentifier', answer.locations);
  add('locationGroupIdentifier', answer.groups);
  return {
    success: answer.success,
    reservationTime: answer.reservationTime,
    ...(answer.expirationTime === undefined ? {} : { expirationTime: answer.expirationTime }),
    details,
    errors: [],
  };
}

/** A movement record (fulfilment, release, transfer) as SCAPI's. */
function movementRecord(record: Input, kind: 'fulfill' | 'release' | 'transfer', path: string): Input {
  const out: Input = { id: record.actionRequestId, sku: record.stockKeepingUnit, quantity: record.quantity };
  if (record.externalRefId !== undefined) out.externalRefId = record.externalRefId;
  if (kind === 'fulfill') out.location = record.locationIdentifier;
  if (kind === 'release') Object.assign(out, placeOf(record, '', path));
  if (kind === 'transfer') {
    out.from = placeOf(record, 'from', path);
    out.to = placeOf(record, 'to', path);
    if (record.ignoreAvailabilityCheck !== undefined)
      out.ignoreAvailabilityCheck = record.ignoreAvailabilityCheck;
  }
  return out;
}

/** The list of records of each movement resource. */
export const MOVEMENT_LISTS = {
  fulfill: 'fulfillmentRecords',
  release: 'releaseRecords',
  transfer: 'transferRecords',
} as const;

/** A movement request as the SCAPI body (`reservationId` accepted: movements act on OCI holds by place). */
export function toMovementBody(input: Input, kind: 'fulfill' | 'release' | 'transfer'): Input {
  const list = MOVEMENT_LISTS[kind];
  const records = ((input[list] ?? []) as Input[]).map((r, i) => movementRecord(r, kind, `/${list}/${i}`));
  return {
    records,
    ...(kind === 'transfer' && input.allOrNothingTransferId !== undefined
      ? { allOrNothingTransferId: input.allOrNothingTransferId }
      : {}),
  };
}

const DETAIL_NAMES: Record<string, string> = {
  id: 'actionRequestId',
  sku: 'stockKeepingUnit',
  location: 'locationIdentifier',
  group: 'locationGroupIdentifier',
};

/** A SCAPI record echo in Connect's names (from/to flattened to from…/to… identifiers). */
function connectDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if ((key === 'from' || key === 'to') && value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value))
        out[`${key}${k === 'group' ? 'LocationGroupIdentifier' : 'LocationIdentifier'}`] = v;
    } else out[DETAIL_NAMES[key] ?? key] = value;
  }
  return out;
}

/** A movement answer as OCIBaseOutputRepresentation with the failed records. */
export function fromMovementAnswer(answer: MovementAnswer) {
  const errors = (answer?.errors ?? []).map((e) => ({
    details: connectDetails(e.details),
    errorCode: e.errorCode,
    message: e.message,
  }));
  return { success: errors.length === 0, errors };
}

/** An update request as the engine's body: records by `location` / `group`, the flags renamed. */
export function toUpdateBody(input: Input): { reservationId: string; actionRequestId: string; body: Input } {
  const records = ((input.updateRecords ?? []) as Input[]).map((r, i) => ({
    ...placeOf(r, '', `/updateRecords/${i}`),
    sku: r.stockKeepingUnit,
    quantity: r.quantity,
  }));
  const body: Input = { records };
  if (input.allowPartialReservations !== undefined)
    body.allowPartialReservations = input.allowPartialReservations;
  if (input.updateAllOrNothingRecords !== undefined) body.allOrNothing = input.updateAllOrNothingRecords;
  for (const key of ['externalRefId', 'reservationTime'])
    if (input[key] !== undefined) body[key] = input[key];
  return { reservationId: String(input.reservationId), actionRequestId: String(input.actionRequestId), body };
}

/** An update answer in Connect's names. */
export function fromUpdateAnswer(answer: UpdateAnswer) {
  return {
    success: answer.success,
    reservationTime: answer.reservationTime,
    ...(answer.expirationTime === undefined ? {} : { expirationTime: answer.expirationTime }),
    details: answer.details.map((d) => ({
      ...(d.location !== undefined
        ? { locationIdentifier: d.location }
        : { locationGroupIdentifier: d.group }),
      stockKeepingUnit: d.sku,
      quantity: d.quantity,
      adjustment: d.adjustment,
      ...(d.errorCode ? { errorCode: d.errorCode } : {}),
    })),
    errors: [],
  };
}
