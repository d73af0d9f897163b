import type { CheckResult, LedgerEntry, Observed } from './model.js';
import { num } from './model.js';
import { OCI_ON_HAND, OciReplay, steps } from './oci-replay.js';

const RECORDS = 'OCI reservations agree with their records';

type Documents = { reservationId: string; quantity: string; holds?: string[] }[];
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
/** Quantities in thousandths, so sums of decimals compare exactly. */
const milli = (q: unknown) => Math.round(Number(q) * 1000);

/**
 * OCI reservations agree with their records (docs/oci.md, "Reservations"): replaying the ledger, no
 * location hold or group lock is ever negative; what each create's entries hold is what its answer
 * said it reserved; each release, fulfilment and transfer moved exactly the quantity its entry credits
 * to the reservation documents it took from (a transfer adds at its destination what it took, a
 * fulfilment takes it from on hand too); a cancel releases what its entry says, and nothing of a
 * cancelled document is released, moved or expires afterwards; and the availability get-availability
 * answered at the end (on hand, reserved, safety stock, a group's own and shared locks) is the replay's.
 */
export function checkOciRecords(o: Observed): CheckResult {
  if (!o.oci) return { check: RECORDS, looked: 'no OCI graph' };
  const oci = new OciReplay(o.oci.graph);
  // The records a create made (a cancel releases them all) and those a transfer made (a cancel leaves them:
  // a move "doesn't need to be aware of or alter the initial reservation document", spec §3 overview).
  const createdBy = new Map<string, string>();
  const movedFor = new Map<string, string>();
  const cancelled = new Map<string, LedgerEntry>();
  // What each document took in (its create's holds, what transfers moved to it) and gave out (moved,
  // released, fulfilled, cancelled, expired), in thousandths: it never gives out more than it took in.
  const flow = new Map<string, { in: number; out: number }>();
  const flowOf = (doc: string) => {
    const f = flow.get(doc) ?? { in: 0, out: 0 };
    flow.set(doc, f);
    return f;
  };
  let ops = 0;
  const fail = (message: string, evidence: readonly unknown[]): CheckResult => ({
    check: RECORDS,
    looked: `${ops} OCI operations`,
    violation: { check: RECORDS, message, evidence: [...evidence] },
  });
  let compared = false;
  const compare = () => {
    compared = true;
    return finalProblem(o, oci);
  };
  for (const { entry: e, completes: op } of steps(o.ledger)) {
    if (!compared && num(e.position) > num(o.oci.position)) {
      const problem = compare();
      if (problem) return fail(problem, o.oci.availability.slice());
    }
    oci.apply(e);
    for (const [locationId, sku, slot] of oci.slots()) {
      const negative = [...slot.locks].find(([, q]) => q < 0);
      if (slot.holds < 0 || negative)
        return fail(
          `after position ${e.position} ${sku} at ${locationId} holds ${negative ? `a lock of ${negative[1]} for group ${negative[0]}` : `${slot.holds} in location holds`}`,
          [e],
        );
    }
    if (op === undefined) continue;
    const first = op[0]!;
    if (!first.kind.startsWith('oci.') && first.kind !== 'reservation.expire') continue;
    if (first.kind === 'oci.safetystock' || first.kind === 'oci.graph' || first.kind === 'oci.segmentation')
      continue;
    const changes = op.flatMap((e) => e.changes);
    const held = changes.filter((c) => oci.holdOf(c) !== undefined).map((c) => milli(c.delta));
    const taken = -sum(held.filter((d) => d < 0));
    const added = sum(held.filter((d) => d > 0));
    const requests = op.map(
      (x) => x.request as { documents?: Documents; holds?: { recordId: string }[] } | null,
    );
    const documents = requests.flatMap((r) => r?.documents ?? []);
    if (first.kind === 'reservation.expire') {
      const record = first.reference ?? '';
      const doc = createdBy.get(record) ?? movedFor.get(record);
      if (doc === undefined) continue;
      flowOf(doc).out += taken;
      const gone = cancelled.get(doc);
      if (gone && createdBy.has(record) && taken > 0)
        return fail(
          `hold ${record} of reservation ${doc} expired (releasing ${taken / 1000}) after the reservation was cancelled at position ${gone.position}`,
          [gone, ...op],
        );
    } else if (first.kind === 'oci.reserve') {
      ops++;
      for (const h of requests.flatMap((r) => r?.holds ?? [])) createdBy.set(h.recordId, first.eventId ?? '');
      flowOf(first.eventId ?? '').in += added;
      const answer = first.outcome as unknown as {
        locations?: { details: { quantity: number }[] }[];
        groups?: { details: { quantity: number }[] }[];
      };
      const told = sum(
        [...(answer.locations ?? []), ...(answer.groups ?? [])].flatMap((p) =>
          p.details.map((d) => milli(d.quantity)),
        ),
      );
      if (told !== added || taken !== 0)
        return fail(
          `reservation ${first.eventId} was answered with ${told / 1000} reserved but its entries hold ${added / 1000}`,
          op,
        );
    } else if (['oci.release', 'oci.fulfill', 'oci.transfer'].includes(first.kind)) {
      ops++;
      const credited = sum(documents.map((d) => milli(d.quantity)));
      const moved = first.kind === 'oci.transfer' ? added : 0;
      if (credited !== taken || (first.kind === 'oci.transfer' && moved !== taken))
        return fail(
          `${first.kind} ${first.eventId} took ${taken / 1000} from holds and added ${added / 1000}; its entry credits ${credited / 1000} to reservations ${documents.map((d) => d.reservationId).join(', ')}`,
          op,
        );
      for (const d of documents) {
        flowOf(d.reservationId).out += milli(d.quantity);
        if (first.kind === 'oci.transfer') flowOf(d.reservationId).in += milli(d.quantity);
        for (const h of d.holds ?? []) movedFor.set(h, d.reservationId);
      }
      if (first.kind === 'oci.fulfill') {
        const onHand = -sum(
          changes.filter((c) => `${c.dataSource}.${c.measure}` === OCI_ON_HAND).map((c) => milli(c.delta)),
        );
        if (onHand !== 0 && onHand !== taken)
          return fail(
            `fulfilment ${first.eventId} took ${taken / 1000} from holds but ${onHand / 1000} from on hand`,
            op,
          );
      }
    } else if (first.kind === 'oci.cancel') {
      const released = (first.request as { released?: { quantity: string }[] } | null)?.released ?? [];
      if (sum(released.map((r) => milli(r.quantity))) !== taken || added !== 0)
        return fail(
          `cancel of ${first.eventId} released ${taken / 1000} but its entry says ${sum(released.map((r) => milli(r.quantity))) / 1000}`,
          op,
        );
      cancelled.set(first.eventId ?? '', first);
      ops++;
      flowOf(first.eventId ?? '').out += taken;
    }
    const over = [...flow].find(([, f]) => f.out > f.in);
    if (over)
      return fail(
        `after position ${e.position} reservation ${over[0]} gave out ${over[1].out / 1000} but only ever held ${over[1].in / 1000}`,
        op,
      );
  }
  if (!compared) {
    const problem = compare();
    if (problem) return fail(problem, o.oci.availability.slice());
  }
  return {
    check: RECORDS,
    looked: `${ops} OCI operations, ${o.oci.availability.length} availability records`,
  };
}

/** The first difference between what get-availability answered and the replay at its position. */
function finalProblem(o: Observed, oci: OciReplay): string | undefined {
  for (const v of o.oci?.availability ?? []) {
    const want: Record<string, number> = {};
    if (v.kind === 'location') {
      const s = oci.slot(v.id, v.sku);
      Object.assign(want, {
        onHand: Math.max(0, s.onHand),
        reserved: Math.max(0, s.reserved),
        safetyStockCount: s.safety,
      });
    } else {
      const members = o.oci?.graph.groups.find((g) => g.id === v.id)?.locations ?? [];
      let own = 0;
      let shared = 0;
      for (const l of members)
        for (const [group, q] of oci.slot(l, v.sku).locks)
          if (group === v.id) own += q;
          else shared += q;
      Object.assign(want, { groupReserved: own, sharedGroupReserved: shared });
    }
    for (const [field, value] of Object.entries(want))
      if (milli(v[field as keyof typeof v]) !== milli(value))
        return `get-availability answered ${field} ${v[field as keyof typeof v]} for ${v.sku} at ${v.kind} ${v.id}; the ledger replays to ${value} at position ${o.oci?.position}`;
  }
  return undefined;
}
