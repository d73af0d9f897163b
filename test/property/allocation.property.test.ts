import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMicro } from '../api/api-helpers.js';
import { allocationBody, ataAt, queryAllocations, reallocateBody } from '../support/allocation-helpers.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { expectStoreEqualsLedgerReplay, ORG, stockBody, units } from '../support/reservation-helpers.js';

/**
 * Random interleavings of allocate, unallocate, reallocate, consume (alone, with an on-hand change,
 * or as a soft reservation), stock arriving and retries, at three dimension levels of one location (the location
 * itself, and two colours below it) and four group paths, a parent and its sub-groups among them.
 * After every step:
 *   (a) available to allocate is ≥ 0 at every level, an allocation that succeeded fitted, and one
 *       refused for the pool asked for more than one of its levels held;
 *   (b) the stored state equals a replay of the ledger;
 *   (c) every group holds exactly what a simple model says (allocated, consumed and the cumulative
 *       counters), unallocate/reallocate/consume succeed exactly when the group holds enough,
 *       @iv.@allocated at each tuple is the sum of its groups, and iv.softreserved what consumes
 *       reserved there.
 */

const AT = { siteId: '1', locationId: '11' };
const TUPLES: readonly Record<string, string>[] = [AT, { ...AT, colorId: 'red' }, { ...AT, colorId: 'blue' }];
/** The levels an allocation at each tuple is checked at: its own and the location. */
const LEVELS: readonly number[][] = [[0], [1, 0], [2, 0]];
const GROUPS: readonly Record<string, string>[] = [
  { channel: 'web' },
  { channel: 'web', customerGroup: 'VIP' },
  { channel: 'web', customerGroup: 'VIP', region: 'EU' },
  { channel: 'stores' },
];

/** What a consume posts with it: nothing, the sale as pos.inbound, or a soft reservation. */
const POSTED = {
  none: {},
  inbound: { pos: { inbound: 'Subtraction' } },
  reservation: { iv: { softreserved: 'Addition' } },
} as const;

interface Held {
  allocated: bigint;
  consumed: bigint;
  cumulativeAllocated: bigint;
  cumulativeConsumed: bigint;
}

type Step =
  | { kind: 'allocate'; at: number; g: number; qty: number }
  | { kind: 'unallocate'; at: number; g: number; qty: number }
  | { kind: 'reallocate'; at: number; from: number; to: number; qty: number }
  | { kind: 'consume'; at: number; g: number; qty: number; posted: 'none' | 'inbound' | 'reservation' }
  | { kind: 'stock'; at: number; delta: number }
  | { kind: 'retry'; ref: number };

describe.each(testBackends())('on %s', (backend) => {
  let h: Harness;
  /** How often each path answered each status, to show the runs exercised both outcomes. */
  const outcomes = new Map<string, number>();
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h?.close());

  const at = fc.nat({ max: TUPLES.length - 1 });
  const g = fc.nat({ max: GROUPS.length - 1 });
  const qty = fc.integer({ min: 1, max: 12 }).map((n) => n / 2);
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('allocate' as const), at, g, qty }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('unallocate' as const), at, g, qty }) },
    {
      weight: 3,
      arbitrary: fc.record({ kind: fc.constant('reallocate' as const), at, from: g, to: g, qty }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('consume' as const),
        at,
        g,
        qty,
        posted: fc.constantFrom('none' as const, 'inbound' as const, 'reservation' as const),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('stock' as const),
        at,
        delta: fc.integer({ min: 1, max: 8 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('retry' as const), ref: fc.nat({ max: 1000 }) }) },
  );

  async function run(initial: readonly number[], steps: readonly Step[], runNo: number): Promise<void> {
    const env = `aprop${runNo}`;
    expect((await h.request('PUT', `/api/environment/${env}`)).statusCode).toBe(201);
    const P = 'P';
    const model = new Map<string, Held>();
    /** iv.softreserved per tuple: what consumes reserved (nothing releases those reservations here). */
    const reserved: bigint[] = TUPLES.map(() => 0n);
    const held = (t: number, group: number): Held => {
      const key = `${t}|${group}`;
      const value = model.get(key) ?? {
        allocated: 0n,
        consumed: 0n,
        cumulativeAllocated: 0n,
        cumulativeConsumed: 0n,
      };
      model.set(key, value);
      return value;
    };
    const accepted: { path: string; body: unknown; answer: unknown }[] = [];
    const send = async (path: string, body: Record<string, unknown>) => {
      const res = await h.request('POST', `/api/environment/${env}${path}`, body);
      expect([200, 400, 409], res.body).toContain(res.statusCode);
      const json = res.json() as Record<string, unknown>;
      if (res.statusCode === 200) accepted.push({ path, body, answer: json });
      const tally = `${path}:${res.statusCode}`;
      outcomes.set(tally, (outcomes.get(tally) ?? 0) + 1);
      return { status: res.statusCode, json };
    };
    const ata = (t: number) => ataAt(h, env, P, TUPLES[t]!);

    for (const [t, inbound] of initial.entries()) {
      if (inbound > 0)
        expect((await send('/onhand', stockBody(`${env}-i${t}`, P, { inbound }, TUPLES[t]!))).status).toBe(
          200,
        );
    }
    for (const [i, s] of steps.entries()) {
      const id = `${env}-s${i}`;
      const context = `run ${runNo} step ${i}: ${JSON.stringify(s)}`;
      switch (s.kind) {
        case 'allocate': {
          const before = await Promise.all(LEVELS[s.at]!.map(ata));
          const { status, json } = await send(
            '/allocation/allocate',
            allocationBody(id, P, GROUPS[s.g]!, s.qty, { dimensions: TUPLES[s.at] }),
          );
          const fits = before.every((a) => a >= units(s.qty));
          expect(status === 200, `${context}: available ${before.join(', ')}`).toBe(fits);
          if (status === 200) {
            const h0 = held(s.at, s.g);
            h0.allocated += units(s.qty);
            h0.cumulativeAllocated += units(s.qty);
          } else expect(json.code, context).toBe('insufficient_available_to_allocate');
          break;
        }
        case 'unallocate':
        case 'consume': {
          const body = allocationBody(id, P, GROUPS[s.g]!, s.qty, {
            dimensions: TUPLES[s.at],
            ...(s.kind === 'consume' ? { physicalMeasures: POSTED[s.posted] } : {}),
          });
          const { status, json } = await send(`/allocation/${s.kind}`, body);
          const h0 = held(s.at, s.g);
          expect(status === 200, context).toBe(h0.allocated >= units(s.qty));
          if (status !== 200) {
            expect(json.code, context).toBe('insufficient_allocation');
            break;
          }
          h0.allocated -= units(s.qty);
          if (s.kind === 'consume') {
            h0.consumed += units(s.qty);
            h0.cumulativeConsumed += units(s.qty);
            if (s.posted === 'reservation') reserved[s.at] = (reserved[s.at] ?? 0n) + units(s.qty);
          }
          break;
        }
        case 'reallocate': {
          const { status, json } = await send(
            '/allocation/reallocate',
            reallocateBody(id, P, GROUPS[s.from]!, GROUPS[s.to]!, s.qty, { dimensions: TUPLES[s.at] }),
          );
          if (s.from === s.to) {
            expect(json.code, context).toBe('reallocate_same_group');
            break;
          }
          const source = held(s.at, s.from);
          expect(status === 200, context).toBe(source.allocated >= units(s.qty));
          if (status !== 200) {
            expect(json.code, context).toBe('insufficient_allocation');
            break;
          }
          source.allocated -= units(s.qty);
          const target = held(s.at, s.to);
          target.allocated += units(s.qty);
          target.cumulativeAllocated += units(s.qty);
          break;
        }
        case 'stock': {
          const { status } = await send('/onhand', stockBody(id, P, { inbound: s.delta }, TUPLES[s.at]!));
          expect(status, context).toBe(200);
          break;
        }
        case 'retry': {
          const earlier = accepted.length === 0 ? undefined : accepted[s.ref % accepted.length];
          if (!earlier) break;
          const ledgerBefore = (await h.request('GET', `/api/environment/${env}/ledger?limit=1000`)).json()
            .length;
          const res = await h.request('POST', `/api/environment/${env}${earlier.path}`, earlier.body);
          expect(res.json(), context).toEqual(earlier.answer);
          expect(
            (await h.request('GET', `/api/environment/${env}/ledger?limit=1000`)).json().length,
            context,
          ).toBe(ledgerBefore);
          break;
        }
      }
      await checkInvariants(env, P, held, reserved, context);
    }
  }

  async function checkInvariants(
    env: string,
    P: string,
    held: (t: number, g: number) => Held,
    reserved: readonly bigint[],
    context: string,
  ) {
    // (a) the pool is never below zero, at any level.
    for (const t of TUPLES.keys())
      expect(await ataAt(h, env, P, TUPLES[t]!), context).toBeGreaterThanOrEqual(0n);
    // (b) state is the replay of the ledger.
    await expectStoreEqualsLedgerReplay(h, env);
    // (c) every group holds what the model says, and the @iv totals are the sums of the groups.
    const rows = await h.services.store.readStock(env, { organizationIds: [ORG] });
    for (const t of TUPLES.keys()) {
      const records = await queryAllocations(h, env, P, {}, TUPLES[t]!);
      const byPath = new Map(records.map((r) => [JSON.stringify(Object.values(r.groups)), r]));
      let total = 0n;
      for (const gi of GROUPS.keys()) {
        const m = held(t, gi);
        total += m.allocated;
        const r = byPath.get(JSON.stringify(Object.values(GROUPS[gi]!)));
        const q = r?.quantities['@iv'];
        expect(
          [
            q?.['@allocated'],
            q?.['@consumed'],
            q?.['@cumulative_allocated'],
            q?.['@cumulative_consumed'],
          ].map((v) => toMicro(v ?? 0)),
          `${context}: tuple ${t} group ${gi}`,
        ).toEqual([m.allocated, m.consumed, m.cumulativeAllocated, m.cumulativeConsumed]);
      }
      const key = JSON.stringify(
        Object.entries(TUPLES[t]!)
          .map(([d, v]) => [d.toLowerCase(), v])
          .sort(),
      );
      const stored = rows.find(
        (r) =>
          r.dataSource === '@iv' &&
          r.measure === '@allocated' &&
          JSON.stringify(Object.entries(r.dimensions).sort()) === key,
      );
      expect(stored?.quantity ?? 0n, `${context}: @iv.@allocated at tuple ${t}`).toBe(total);
      const softreserved = rows.find(
        (r) =>
          r.dataSource === 'iv' &&
          r.measure === 'softreserved' &&
          JSON.stringify(Object.entries(r.dimensions).sort()) === key,
      );
      expect(softreserved?.quantity ?? 0n, `${context}: iv.softreserved at tuple ${t}`).toBe(reserved[t]);
    }
  }

  it('never lets available to allocate go below zero, and always equals a replay of the ledger', async () => {
    let runNo = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 10 }), { minLength: TUPLES.length, maxLength: TUPLES.length }),
        fc.array(step, { minLength: 20, maxLength: 50 }),
        async (initial, steps) => {
          runNo++;
          await run(initial, steps, runNo);
        },
      ),
      { numRuns: 100, interruptAfterTimeLimit: 40_000 },
    );
    expect(runNo).toBeGreaterThanOrEqual(5);
    for (const kind of ['allocate', 'unallocate', 'reallocate', 'consume']) {
      for (const status of [200, 409]) {
        expect(
          outcomes.get(`/allocation/${kind}:${status}`) ?? 0,
          `${kind} answered ${status}`,
        ).toBeGreaterThan(0);
      }
    }
  }, 120_000);
});
