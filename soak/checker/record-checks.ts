import type { CheckResult, LedgerEntry, Observed, ReservationView } from './model.js';
import { tupleKey, valueKey } from './model.js';
import { replay } from './replay.js';

/** How long an open reservation may outlive its expiry (the timer wakes at least once a minute). */
export const EXPIRY_GRACE_MS = 65_000;

const RESERVED = 'iv.softreserved';

function reservationProblem(
  r: ReservationView,
  ledger: Map<number, LedgerEntry>,
  readAt: number,
): string | undefined {
  const tuple = tupleKey(r);
  let held = 0;
  for (const h of r.history)
    for (const c of h.changes)
      if (tupleKey(c) === tuple && `${c.dataSource}.${c.measure}` === RESERVED) held += Number(c.delta);
  if (held !== r.remaining) return `remaining ${r.remaining} but its history adds up to ${held}`;
  if ((r.status === 'open') !== r.remaining > 0) return `status ${r.status} with ${r.remaining} remaining`;
  if (r.status === 'expired' && !r.history.some((h) => h.kind === 'reservation.expire'))
    return 'expired without a reservation.expire entry';
  if (r.status === 'open' && r.expiresAt !== null && Date.parse(r.expiresAt) < readAt - EXPIRY_GRACE_MS)
    return `still open ${Math.round((readAt - Date.parse(r.expiresAt)) / 1000)} s after its expiry`;
  for (const h of r.history) {
    const entry = ledger.get(h.seq);
    if (ledger.size > 0 && (!entry || entry.kind !== h.kind))
      return `history entry ${h.seq} (${h.kind}) is not in the ledger`;
  }
  return undefined;
}

/**
 * Reservations agree with their records: each one's remaining quantity is what its history adds up to,
 * its status follows (open while something remains; expired through an expiry entry; none open long
 * after its expiry), its history is the ledger's; and every change to the reserved measure in the
 * ledger belongs to a reservation.
 */
export function checkReservations(o: Observed): CheckResult {
  const bySeq = new Map<number, LedgerEntry>();
  for (const e of o.ledger) if (e.seq !== undefined) bySeq.set(e.seq, e);
  const looked = `${o.reservations.length} reservations`;
  const fail = (message: string, evidence: unknown[]): CheckResult => ({
    check: 'reservations agree with their records',
    looked,
    violation: { check: 'reservations agree with their records', message, evidence },
  });
  for (const r of o.reservations) {
    const problem = reservationProblem(r, bySeq, o.readAt);
    if (problem) return fail(`reservation ${r.reservationId}: ${problem}`, [r]);
  }
  // OCI releases, fulfilments and transfers name no reservation: they act on what OCI holds at the place
  // and record the documents they took from (checkOciRecords accounts for them).
  const orphan = o.ledger.find(
    (e) =>
      e.reference === null &&
      !e.kind.startsWith('oci.') &&
      e.changes.some((c) => `${c.dataSource}.${c.measure}` === RESERVED),
  );
  if (orphan)
    return fail(`ledger entry ${orphan.position} changes ${RESERVED} without naming a reservation`, [orphan]);
  return { check: 'reservations agree with their records', looked };
}

/**
 * Allocations agree with their records: what each group holds is the replayed `@allocation` row, and
 * the groups of a key hold together what the key's `@iv.@allocated` says.
 */
export function checkAllocations(o: Observed): CheckResult {
  const state = replay(o.ledger);
  const looked = `${o.allocations.length} allocation records`;
  const totals = new Map<string, number>();
  for (const a of o.allocations) {
    const tuple = tupleKey(a);
    totals.set(tuple, (totals.get(tuple) ?? 0) + a.remaining);
    const row = valueKey({
      ...a,
      dimensions: { ...a.dimensions, ...a.levels },
      dataSource: '@allocation',
      measure: '@allocated',
    });
    const replayed = state.stock.get(row) ?? 0;
    if (replayed !== a.remaining)
      return {
        check: 'allocations agree with their records',
        looked,
        violation: {
          check: 'allocations agree with their records',
          message: `group ${JSON.stringify(a.groups)} of ${tuple} holds ${a.remaining} but the ledger replays to ${replayed}`,
          evidence: [a],
        },
      };
  }
  for (const [tuple, total] of totals) {
    const key = state.stock.get(`${tuple}|@iv.@allocated`) ?? 0;
    if (key !== total)
      return {
        check: 'allocations agree with their records',
        looked,
        violation: {
          check: 'allocations agree with their records',
          message: `the groups of ${tuple} hold ${total} but its @iv.@allocated replays to ${key}`,
          evidence: o.allocations.filter((a) => tupleKey(a) === tuple),
        },
      };
  }
  return { check: 'allocations agree with their records', looked };
}
