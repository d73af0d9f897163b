import { recordsOf } from './ledger-checks.js';
import type { CheckResult, LedgerChange, LedgerEntry, Observed } from './model.js';
import { tupleKey } from './model.js';
import { OciReplay, steps } from './oci-replay.js';
import { apply, poolAt, type Replayed } from './replay.js';

const OVERSELL = 'no OCI oversell (locations past safety stock, groups past their ATF)';

/** A checked IV write: a reservation with the availability check, or an allocation. */
function ivChecked(e: LedgerEntry): boolean {
  if (e.kind === 'allocation.allocate') return true;
  if (e.kind !== 'reservation.reserve') return false;
  return (e.request as { ifCheckAvailForReserv?: boolean } | undefined)?.ifCheckAvailForReserv !== false;
}

const placeKey = (c: LedgerChange) => {
  const d = (n: string) => Object.entries(c.dimensions).find(([k]) => k.toLowerCase() === n)?.[1] ?? '';
  return `${c.organizationId}/${c.productId}/${d('siteid')}/${d('locationid')}`;
};

/** True when every dimension of `tuple`'s change is one of `own`'s (the tuple is `own` or coarser). */
function within(inner: LedgerChange, own: LedgerChange): boolean {
  return Object.entries(inner.dimensions).every(([k, v]) => v === '' || own.dimensions[k] === v);
}

/**
 * Never oversell at an OCI location or group (docs/oci.md, "Reservations": the guard is the engine's).
 * Replaying the ledger, after every OCI write that makes a promise (a reservation, a transfer):
 * at each location where it added a hold or a group lock, on hand − reserved − safety stock − every
 * group's lock ≥ 0; for each group it locked stock for, the group's ATF (Σ of its locations' ATF less
 * every lock at them) ≥ 0. After every checked IV write (a reservation with the check, an allocation) at
 * an OCI location, the availability of the place (its tuples, those not the write's own or coarser
 * counted with what they have left) less the location's safety stock and group locks ≥ 0.
 */
export function checkOciOversell(o: Observed): CheckResult {
  if (!o.oci) return { check: OVERSELL, looked: 'no OCI graph' };
  const oci = new OciReplay(o.oci.graph);
  const state: Replayed = { stock: new Map(), scheduled: new Map() };
  const tuplesAt = new Map<string, Map<string, LedgerChange>>();
  let promises = 0;
  let ivWrites = 0;
  const fail = (message: string, op: readonly LedgerEntry[]): CheckResult => ({
    check: OVERSELL,
    looked: `${promises} OCI promises, ${ivWrites} IV writes at OCI locations`,
    violation: {
      check: OVERSELL,
      message,
      evidence: [...op, ...recordsOf(o.history, op[0]?.eventId ?? null)],
    },
  });
  for (const { entry: e, completes: op } of steps(o.ledger)) {
    apply(state, e);
    oci.apply(e);
    for (const c of e.changes) {
      const place = placeKey(c);
      const tuples = tuplesAt.get(place) ?? new Map<string, LedgerChange>();
      tuples.set(tupleKey(c), c);
      tuplesAt.set(place, tuples);
    }
    if (op === undefined) continue;
    const first = op[0]!;
    const at = `after position ${e.position} (${first.kind} ${first.eventId ?? first.reference})`;
    if (first.kind === 'oci.reserve' || first.kind === 'oci.transfer') {
      const added = op.flatMap((e) => e.changes.filter((c) => Number(c.delta) > 0));
      const holds = added.flatMap((c) => {
        const hold = oci.holdOf(c);
        return hold ? [{ ...hold, sku: c.productId }] : [];
      });
      if (holds.length > 0) promises++;
      for (const h of holds) {
        const free = oci.free(h.locationId, h.sku);
        if (free < 0) {
          const s = oci.slot(h.locationId, h.sku);
          return fail(
            `${at} ${h.sku} at location ${h.locationId} is oversold: on hand ${s.onHand} − reserved ${s.reserved} − safety stock ${s.safety} − group locks ${oci.locked(h.locationId, h.sku)} = ${free}`,
            op,
          );
        }
        if (h.group !== undefined && oci.groupAtf(h.group, h.sku) < 0)
          return fail(
            `${at} ${h.sku} in group ${h.group} is oversold: its locations' ATF less the group locks at them is ${oci.groupAtf(h.group, h.sku)}`,
            op,
          );
      }
    }
    if (ivChecked(first)) {
      for (const c of first.changes) {
        const locationId = oci.locationOf(c);
        if (locationId === undefined || c.dataSource.startsWith('@allocation')) continue;
        ivWrites++;
        let available = 0;
        for (const [tuple, t] of tuplesAt.get(placeKey(c)) ?? []) {
          const left = poolAt(state, tuple, o.pool);
          available += within(t, c) ? left : Math.max(0, left);
        }
        const held = oci.slot(locationId, c.productId).safety + oci.locked(locationId, c.productId);
        if (available - held < 0)
          return fail(
            `${at} ${c.productId} at location ${locationId} has ${available} available for IV at the place but OCI holds back ${held} (safety stock and group locks)`,
            op,
          );
        break;
      }
    }
  }
  return {
    check: OVERSELL,
    looked: `${promises} OCI promises, ${ivWrites} IV writes at OCI locations, over ${o.ledger.length} entries`,
  };
}
