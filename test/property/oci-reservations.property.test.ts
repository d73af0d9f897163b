import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV, uploadGraph } from '../oci/oci-helpers.js';
import { cancel, post, quantities, reserve, SHARED, stock } from '../oci/reservation-helpers.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * Random sequences of OCI reservations at locations and groups, releases, fulfilments, transfers and
 * cancels over the graph of spec §3.6 (GA = {L1, L2}, GB = {L2, L3}, L4 alone), against a model that
 * keeps every hold (a location's reservation or a group's lock at a location) in creation order. After
 * every step each location's on hand and reserved and each group's groupReserved and
 * sharedGroupReserved equal the model's, and every answer is the one the model predicts.
 */
const LOCATIONS = ['L1', 'L2', 'L3', 'L4'] as const;
const GROUPS: Record<string, readonly string[]> = { GA: ['L1', 'L2'], GB: ['L3', 'L2'] }; // least shared first

interface Hold {
  doc: string | null;
  location: string;
  group: string | null;
  remaining: number;
}

type Op =
  | { kind: 'reserveLocation'; location: string; q: number; partial: boolean }
  | { kind: 'reserveGroup'; group: string; q: number; partial: boolean }
  | { kind: 'release'; place: { location: string } | { group: string }; q: number }
  | { kind: 'fulfil'; location: string; q: number }
  | { kind: 'transfer'; from: { location: string } | { group: string }; to: string; q: number }
  | { kind: 'cancel'; doc: number };

const location = fc.constantFrom(...LOCATIONS);
const group = fc.constantFrom('GA', 'GB');
const q = fc.integer({ min: 1, max: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('reserveLocation' as const), location, q, partial: fc.boolean() }),
  fc.record({ kind: fc.constant('reserveGroup' as const), group, q, partial: fc.boolean() }),
  fc.record({
    kind: fc.constant('release' as const),
    place: fc.oneof(fc.record({ location }), fc.record({ group })),
    q,
  }),
  fc.record({ kind: fc.constant('fulfil' as const), location, q }),
  fc.record({
    kind: fc.constant('transfer' as const),
    from: fc.oneof(fc.record({ location }), fc.record({ group })),
    to: location,
    q,
  }),
  fc.record({ kind: fc.constant('cancel' as const), doc: fc.integer({ min: 0, max: 9 }) }),
);

class Model {
  holds: Hold[] = [];
  cancelled = new Set<string>();
  created = new Set<string>();
  constructor(readonly onHand: Record<string, number>) {}
  reserved = (l: string) => this.sum((h) => h.location === l && h.group === null);
  locked = (l: string, g?: string) =>
    this.sum((h) => h.location === l && h.group !== null && (g === undefined || h.group === g));
  sum(f: (h: Hold) => boolean) {
    return this.holds.filter(f).reduce((s, h) => s + h.remaining, 0);
  }
  free = (l: string) => Math.max(0, (this.onHand[l] ?? 0) - this.reserved(l) - this.locked(l));
  groupFree(g: string) {
    const members = GROUPS[g] ?? [];
    const free = members.reduce((s, l) => s + this.free(l), 0);
    const atf = members.reduce(
      (s, l) => s + Math.max(0, (this.onHand[l] ?? 0) - this.reserved(l)) - this.locked(l),
      0,
    );
    return Math.min(free, Math.max(0, atf));
  }
  /** Takes `qty` from the holds of these (location, group) slots in order, oldest first; false if short. */
  take(slots: [string, string | null][], qty: number): Hold[] | undefined {
    const at = slots.flatMap(([l, g]) =>
      this.holds.filter((h) => h.location === l && h.group === g && h.remaining > 0),
    );
    if (at.reduce((s, h) => s + h.remaining, 0) < qty) return undefined;
    let left = qty;
    const from: Hold[] = [];
    for (const h of at) {
      if (left === 0) break;
      const n = Math.min(h.remaining, left);
      h.remaining -= n;
      left -= n;
      from.push(h);
    }
    return from;
  }
  slotsOf(place: { location: string } | { group: string }, prefer?: string): [string, string | null][] {
    if ('location' in place) return [[place.location, null]];
    const order = [...(GROUPS[place.group] ?? [])]
      .reverse()
      .sort((a, b) => (a === prefer ? -1 : b === prefer ? 1 : 0));
    return order.map((l) => [l, place.group]);
  }
  snapshot() {
    return JSON.stringify(this.holds);
  }
  restore(s: string) {
    this.holds = JSON.parse(s) as Hold[];
  }
}

describe.each(testBackends())('OCI reservations against a model on %s', (backend) => {
  let now = new Date('2026-03-01T00:00:00Z');
  let h: Harness;
  let run = 0;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV], clock: () => now });
    await uploadGraph(h, SHARED);
  });
  afterAll(async () => {
    await h.close();
  });

  it('every step answers and leaves what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ l1: fc.nat(6), l2: fc.nat(6), l3: fc.nat(6), l4: fc.nat(6) }),
        fc.array(op, { minLength: 1, maxLength: 12 }),
        async (start, ops) => {
          run++;
          const sku = `p-${run}`;
          const onHand = { L1: start.l1, L2: start.l2, L3: start.l3, L4: start.l4 };
          await stock(h, sku, onHand, sku);
          const m = new Model({ ...onHand });
          for (const [i, o] of ops.entries()) {
            now = new Date(now.getTime() + 1000);
            const id = `${sku}-${i}`;
            const one = [{ sku, quantity: o.kind === 'cancel' ? 0 : o.q }];
            if (o.kind === 'reserveLocation' || o.kind === 'reserveGroup') {
              const doc = id;
              const partial = o.partial;
              const place =
                o.kind === 'reserveLocation'
                  ? { locations: [{ id: o.location, reservations: one }] }
                  : { groups: [{ id: o.group, reservations: one }] };
              const r = await reserve(h, doc, { allowPartialReservations: partial, ...place });
              expect(r.status).toBe(200);
              m.created.add(doc);
              let got = 0;
              if (o.kind === 'reserveLocation') {
                const free = m.free(o.location);
                got = free >= o.q ? o.q : partial ? free : 0;
                if (got > 0) m.holds.push({ doc, location: o.location, group: null, remaining: got });
              } else {
                const avail = m.groupFree(o.group);
                let left = avail >= o.q ? o.q : partial ? avail : 0;
                for (const l of GROUPS[o.group] ?? []) {
                  const n = Math.min(m.free(l), left);
                  if (n > 0) m.holds.push({ doc, location: l, group: o.group, remaining: n });
                  left -= n;
                  got += n;
                }
              }
              expect(r.body.success).toBe(got === o.q);
            } else if (o.kind === 'cancel') {
              const doc = `${sku}-${o.doc}`;
              const r = await cancel(h, doc);
              if (!m.created.has(doc)) expect(r.status).toBe(404);
              else if (m.cancelled.has(doc)) expect(r.status).toBe(409);
              else {
                expect(r.status).toBe(204);
                m.cancelled.add(doc);
                for (const hold of m.holds) if (hold.doc === doc) hold.remaining = 0;
              }
            } else {
              const before = m.snapshot();
              let ok = true;
              if (o.kind === 'release') ok = m.take(m.slotsOf(o.place), o.q) !== undefined;
              else if (o.kind === 'fulfil') {
                ok = m.take([[o.location, null]], o.q) !== undefined;
                if (ok) m.onHand[o.location] = (m.onHand[o.location] ?? 0) - o.q;
              } else if ('group' in o.from && !(GROUPS[o.from.group] ?? []).includes(o.to)) ok = false;
              else {
                ok = m.take(m.slotsOf(o.from, o.to), o.q) !== undefined && m.free(o.to) >= o.q;
                if (ok) m.holds.push({ doc: null, location: o.to, group: null, remaining: o.q });
              }
              if (!ok) m.restore(before);
              const body =
                o.kind === 'release'
                  ? { records: [{ id, sku, quantity: o.q, ...o.place }] }
                  : o.kind === 'fulfil'
                    ? { records: [{ id, sku, quantity: o.q, location: o.location }] }
                    : { records: [{ id, sku, quantity: o.q, from: o.from, to: { location: o.to } }] };
              const r = await post(
                h,
                o.kind === 'release' ? 'releases' : o.kind === 'fulfil' ? 'fulfillments' : 'transfers',
                body,
              );
              expect([i, o, r.status]).toEqual([i, o, ok ? 204 : 200]);
            }
            for (const l of LOCATIONS) {
              expect([i, l, await quantities(h, sku, 'locations', l)]).toMatchObject([
                i,
                l,
                { onHand: Math.max(0, m.onHand[l] ?? 0), reserved: m.reserved(l) },
              ]);
            }
            for (const g of Object.keys(GROUPS)) {
              const members = GROUPS[g] ?? [];
              expect([i, g, await quantities(h, sku, 'groups', g)]).toMatchObject([
                i,
                g,
                {
                  groupReserved: members.reduce((s, l) => s + m.locked(l, g), 0),
                  sharedGroupReserved: members.reduce((s, l) => s + m.locked(l) - m.locked(l, g), 0),
                },
              ]);
            }
          }
        },
      ),
      { numRuns: 20, interruptAfterTimeLimit: 60_000 },
    );
  }, 120_000);
});
