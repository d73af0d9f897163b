import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMicro } from '../api/api-helpers.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import {
  afrAt,
  expectStoreEqualsLedgerReplay,
  ORG,
  pooledAfrAt,
  type ReservationJson,
  reserveBody,
  stockBody,
  units,
} from '../support/reservation-helpers.js';
import { type Known, levelsOf, PRODUCT, type Sent, type Step, step, TUPLES } from './reservation-steps.js';

/**
 * Random interleavings of everything that moves reserved stock: checked and unchecked reservations,
 * releases by negative quantity, unreserve (of known and unknown ids, any OffsetQty), offsets by id and
 * automatic, expiry (clock moves, then the sweep), extension, retries and on-hand changes up and down.
 * After every step:
 *   (a) a checked reservation that succeeded left iv.availabletoreserve >= 0 at its dimensions and, in
 *       the pooled sense of availableAtLevel (other tuples count only with what they have left), at
 *       every coarser level, and one refused for availability asked for more than one of them held;
 *   (b) the stored state equals a replay of the ledger;
 *   (c) every reservation keeps 0 <= remaining <= quantity, is open exactly while something remains,
 *       holds nothing once its expiry has passed and been swept, and the stored iv.softreserved at each
 *       dimension tuple equals what the reservations there still hold.
 * Each run gets a fresh environment in one app; the clock goes back to the start for each run.
 */

const START = new Date('2026-03-01T00:00:00Z').getTime();
describe.each(testBackends())('on %s', (backend) => {
  let now = new Date(START);
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ clock: () => now, backend });
  });
  afterAll(() => h?.close());

  /** Runs one random sequence in a fresh environment and checks the invariants after every step. */
  async function run(initial: readonly number[], steps: readonly Step[], runNo: number): Promise<void> {
    now = new Date(START);
    const env = `prop${runNo}`;
    expect((await h.request('PUT', `/api/environment/${env}`)).statusCode).toBe(201);
    const base = `/api/environment/${env}/onhand`;
    const known: Known[] = [];
    const accepted: Sent[] = [];
    const pick = <T>(list: readonly T[], n: number): T | undefined =>
      list.length === 0 ? undefined : list[n % list.length];

    /** The checked measure at `level` for a reservation at `own`: plain at its own level, pooled above. */
    const availableAt = (level: Record<string, string>, own: Record<string, string>) =>
      Object.keys(level).length === Object.keys(own).length
        ? afrAt(h, env, PRODUCT, level)
        : pooledAfrAt(h, env, PRODUCT, level, own);
    const send = async (path: string, body: unknown) => {
      const res = await h.request('POST', `${base}${path}`, body);
      // Every answer is an outcome the API documents, never a server fault.
      expect([200, 400, 404, 409], res.body).toContain(res.statusCode);
      const json = res.json() as Record<string, unknown>;
      if (json.processingStatus === 'success' || json.processingStatus === 'partialSuccess') {
        accepted.push({ url: path, body, answer: json });
      }
      return { status: res.statusCode, json };
    };

    // Some stock to start from at each tuple, so that checked reservations succeed as often as they fail.
    for (const [t, inbound] of initial.entries()) {
      if (inbound === 0) continue;
      const res = await h.request(
        'POST',
        base,
        stockBody(`${env}-init${t}`, PRODUCT, { inbound }, TUPLES[t]!),
      );
      expect(res.statusCode).toBe(200);
    }
    for (const [i, s] of steps.entries()) {
      const id = `${env}-s${i}`;
      const context = `run ${runNo} step ${i}: ${JSON.stringify(s)}`;
      switch (s.kind) {
        case 'reserve': {
          const dims = TUPLES[s.at]!;
          const extra = {
            dimensions: dims,
            ifCheckAvailForReserv: s.check,
            ...(s.ttl === null ? {} : { ttlSeconds: s.ttl }),
          };
          const { status, json } = await send('/reserve', reserveBody(id, PRODUCT, s.qty, extra));
          if (status === 200) {
            known.push({ id: json.reservationId as string, at: s.at });
            // (a) the checked measure stayed >= 0, at its dimensions and at every coarser level.
            if (s.check) {
              for (const level of levelsOf(dims)) {
                expect(
                  await availableAt(level, dims),
                  `${context} at ${JSON.stringify(level)}`,
                ).toBeGreaterThanOrEqual(0n);
              }
            }
          } else {
            expect(s.check, context).toBe(true);
            expect(json.code, context).toBe('insufficient_availability');
            // Refused only when it did not fit at one of those levels.
            const available = await Promise.all(levelsOf(dims).map((level) => availableAt(level, dims)));
            expect(
              available.some((a) => a < units(s.qty)),
              `${context}: available ${available.join(', ')}`,
            ).toBe(true);
          }
          break;
        }
        case 'release': {
          const { status } = await send(
            '/reserve',
            reserveBody(id, PRODUCT, -s.qty, { dimensions: TUPLES[s.at]!, ifCheckAvailForReserv: false }),
          );
          expect(status, context).toBe(200);
          break;
        }
        case 'unreserve': {
          const target = s.ref === null ? undefined : pick(known, s.ref);
          const reservationId = target?.id ?? `unknown-${i}`;
          const { status, json } = await send('/unreserve', {
            id,
            organizationId: ORG,
            productId: PRODUCT,
            reservationId,
            OffsetQty: s.qty,
          });
          expect(status, context).toBe(target ? 200 : 404);
          if (!target) expect(json.code).toBe('reservation_not_found');
          break;
        }
        case 'offset': {
          const target = s.ref === null ? undefined : pick(known, s.ref);
          const dims = TUPLES[target ? target.at : s.at]!;
          const { status } = await send('/offset', {
            ...stockBody(id, PRODUCT, { outbound: s.deducted }, dims),
            ...(target ? { reservationId: target.id } : {}),
            offsetQty: s.qty,
          });
          expect(status, context).toBe(200);
          break;
        }
        case 'advance': {
          now = new Date(now.getTime() + s.seconds * 1000);
          await h.services.engine.reservations.expireDue();
          break;
        }
        case 'extend': {
          const target = pick(known, s.ref);
          if (!target) break;
          const res = await h.request('POST', `${base}/reservations/${target.id}/extend`, {
            ttlSeconds: s.ttl,
          });
          expect([200, 409], res.body).toContain(res.statusCode);
          if (res.statusCode === 409) expect(res.json().code).toBe('reservation_closed');
          break;
        }
        case 'stock': {
          const { status } = await send('', stockBody(id, PRODUCT, { [s.measure]: s.delta }, TUPLES[s.at]!));
          expect(status, context).toBe(200);
          break;
        }
        case 'retry': {
          const earlier = pick(accepted, s.ref);
          if (!earlier) break;
          const before = (await h.request('GET', `/api/environment/${env}/ledger?limit=1000`)).json().length;
          const res = await h.request('POST', `${base}${earlier.url}`, earlier.body);
          expect(res.json(), context).toEqual(earlier.answer);
          expect((await h.request('GET', `/api/environment/${env}/ledger?limit=1000`)).json().length).toBe(
            before,
          );
          break;
        }
      }
      await checkInvariants(env, known, context, s.kind === 'advance');
    }
  }

  async function checkInvariants(env: string, known: readonly Known[], context: string, swept: boolean) {
    // (b) the stored state is the replay of the ledger.
    await expectStoreEqualsLedgerReplay(h, env);
    // (c) every reservation is within bounds, and the reserved measure is what they still hold.
    const held = new Map<string, bigint>();
    for (const { id } of known) {
      const res = await h.request('GET', `/api/environment/${env}/onhand/reservations/${id}`);
      expect(res.statusCode).toBe(200);
      const r = res.json() as ReservationJson;
      const remaining = toMicro(r.remaining);
      expect(remaining, context).toBeGreaterThanOrEqual(0n);
      expect(remaining, context).toBeLessThanOrEqual(toMicro(r.quantity));
      expect(r.status === 'open', context).toBe(remaining > 0n);
      if (swept && r.expiresAt !== null && Date.parse(r.expiresAt) <= now.getTime()) {
        expect(remaining, `${context}: expired ${r.expiresAt} but still holds`).toBe(0n);
      }
      const key = JSON.stringify(Object.entries(r.dimensions).sort());
      held.set(key, (held.get(key) ?? 0n) + remaining);
    }
    const rows = await h.services.store.readStock(env, { organizationIds: [ORG] });
    const stored = new Map<string, bigint>();
    for (const row of rows) {
      if (row.dataSource !== 'iv' || row.measure !== 'softreserved' || row.quantity === 0n) continue;
      stored.set(JSON.stringify(Object.entries(row.dimensions).sort()), row.quantity);
    }
    for (const [key, value] of held) if (value === 0n) held.delete(key);
    const sorted = (m: Map<string, bigint>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    expect(sorted(stored), context).toEqual(sorted(held));
  }

  describe('random interleavings of reservations, offsets, expiry and on-hand changes', () => {
    it('never let a checked measure go below zero, and always equal a replay of the ledger', async () => {
      let runNo = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat({ max: 12 }), { minLength: TUPLES.length, maxLength: TUPLES.length }),
          fc.array(step, { minLength: 30, maxLength: 60 }),
          async (initial, steps) => {
            runNo++;
            await run(initial, steps, runNo);
          },
        ),
        { numRuns: 100, interruptAfterTimeLimit: 40_000 },
      );
    }, 120_000);
  });
});
