import { dimensionsKey } from '../../domain/dimensions.js';
import { parseQty, type Qty } from '../../domain/quantity.js';
import { type ReservationStep, reservationAfter } from '../../domain/reservation/reservation-as-of.js';
import type { LedgerRecord, ReservationRecord, Store } from '../../store/store.js';

/** Kinds whose entry released quantity from reservations at the request's dimensions. */
const RELEASING = new Set(['reservation.release', 'reservation.unreserve', 'reservation.offset']);

/**
 * The steps of a reservation's history (domain/reservation/reservation-as-of.ts) read from its ledger
 * entries: creation and extensions from their outcomes; a release from the entry's changes to the
 * reserved measure at the reservation's dimensions when the entry names it first, or from the amount
 * recorded for it when a request released several reservations; expiry from its recorded amount.
 */
export function stepsOf(record: ReservationRecord, history: readonly LedgerRecord[]): ReservationStep[] {
  const key = dimensionsKey(record.dimensions);
  const steps: ReservationStep[] = [];
  for (const entry of history) {
    const extra = extraOf(entry.outcome);
    const at = entry.recordedAt;
    if (entry.kind === 'reservation.reserve') {
      const expiresAt = typeof extra.expiresAt === 'string' ? extra.expiresAt : null;
      steps.push({ kind: 'reserve', at, quantity: record.quantity, expiresAt });
    } else if (entry.kind === 'reservation.extend' && typeof extra.expiresAt === 'string') {
      steps.push({ kind: 'extend', at, expiresAt: extra.expiresAt });
    } else if (entry.kind === 'reservation.expire') {
      steps.push({ kind: 'release', at, released: quantity(extra.released), expired: true });
    } else if (RELEASING.has(entry.kind)) {
      if (entry.changes.length === 0) {
        steps.push({ kind: 'release', at, released: quantity(extra.released), expired: false });
        continue;
      }
      let total = 0n;
      for (const change of entry.changes) {
        const same =
          change.dataSource === record.dataSource &&
          change.measure === record.measure &&
          change.date === undefined &&
          dimensionsKey(change.dimensions) === key;
        if (same && change.delta < 0n) total -= change.delta;
      }
      steps.push({ kind: 'releaseUpTo', at, total });
    }
  }
  return steps;
}

/**
 * The reservation as a read of it answered at feed position `position`, with the history up to there;
 * undefined when it did not exist yet.
 */
export async function reservationAsOf(
  store: Store,
  environmentId: string,
  record: ReservationRecord,
  history: readonly LedgerRecord[],
  position: number,
): Promise<{ record: ReservationRecord; history: LedgerRecord[] } | undefined> {
  const positions = await store.feed.positionsOf(
    environmentId,
    history.map((entry) => entry.seq),
  );
  const seen = history.filter((entry) => (positions.get(entry.seq) ?? Number.POSITIVE_INFINITY) <= position);
  const state = reservationAfter(stepsOf(record, seen));
  return state && { record: { ...record, ...state }, history: seen };
}

function extraOf(outcome: unknown): Record<string, unknown> {
  const extra = (outcome as { extra?: unknown } | null)?.extra;
  return extra && typeof extra === 'object' ? (extra as Record<string, unknown>) : {};
}

function quantity(value: unknown): Qty {
  return typeof value === 'string' || typeof value === 'number' ? parseQty(value, '') : 0n;
}

/**
 * A reservation with its history (its ledger entries, read in its partition where the store places
 * data by partition: every entry that names a reservation is written there); as it was at feed
 * position `asOf` when given, undefined when it did not exist yet.
 */
export async function withHistory(
  store: Store,
  environmentId: string,
  found: ReservationRecord,
  asOf: number | undefined,
): Promise<{ record: ReservationRecord; history: LedgerRecord[] } | undefined> {
  const read = (record: ReservationRecord) =>
    store.readLedgerByReference(
      environmentId,
      record.reservationId,
      1000,
      store.partitioned === true ? found.partitionId : undefined,
    );
  let record = found;
  let history = await read(record);
  // The record and its entries are two reads: a change committed between them (an expiry, a release)
  // would pair the record before it with a history after it. Every such change also rewrites the
  // record, so reading the record again tells: unchanged, the pair is one moment's; else read again.
  for (let attempt = 0; attempt < MAX_REREADS; attempt++) {
    const again = await store.getReservation(environmentId, record.reservationId);
    if (!again || sameState(again, record)) break;
    record = again;
    history = await read(record);
  }
  if (asOf === undefined) return { record, history };
  return reservationAsOf(store, environmentId, record, history, asOf);
}

/** How many times a read of a reservation that keeps changing is taken again (then answered as read). */
const MAX_REREADS = 8;

function sameState(a: ReservationRecord, b: ReservationRecord): boolean {
  return (
    a.updatedAt === b.updatedAt &&
    a.remaining === b.remaining &&
    a.status === b.status &&
    a.expiresAt === b.expiresAt
  );
}
