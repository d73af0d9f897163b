import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDeltaMicro, readLedger } from '../api/api-helpers.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import {
  afrAt,
  expectStoreEqualsLedgerReplay,
  ORG,
  type ReservationJson,
  reserveBody,
  reservedAt,
  stockBody,
  units,
} from '../support/reservation-helpers.js';

/**
 * Design rule 1, "Never oversell", through real HTTP: the app listens on a real port and every request
 * of a race is a separate fetch, so the requests meet in the partition writer exactly as concurrent
 * clients' requests do.
 */

describe.each(testBackends())('on %s', (backend) => {
  let h: Harness;
  let base: string;

  beforeAll(async () => {
    h = await startHarness({ backend });
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => h?.close());

  interface Answer {
    readonly status: number;
    readonly body: Record<string, unknown>;
  }

  async function send(path: string, body: unknown): Promise<Answer> {
    const res = await fetch(`${base}/api/environment/test/onhand${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function stock(productId: string, inbound: number): Promise<void> {
    const answer = await send('', stockBody(`stock-${productId}`, productId, { inbound }));
    expect(answer.status).toBe(200);
  }

  async function reservation(reservationId: string): Promise<ReservationJson> {
    const res = await h.request('GET', `/api/environment/test/onhand/reservations/${reservationId}`);
    expect(res.statusCode).toBe(200);
    return res.json() as ReservationJson;
  }

  /** A deterministic pseudo-random sequence, so that a failure can be reproduced. */
  function lcg(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
  }

  function expectRefusedForAvailability(answer: Answer): void {
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      processingStatus: 'failure',
      statusCode: 500,
      code: 'insufficient_availability',
    });
  }

  describe('channels racing for the last units', () => {
    it.each([0, 1, 2, 3, 4])(
      'when 80 reservations of 1 race for the last 10 units, exactly 10 succeed (round %i)',
      async (round) => {
        const P = `last-ten-${round}`;
        await stock(P, 10);
        const answers = await Promise.all(
          Array.from({ length: 80 }, (_, i) => send('/reserve', reserveBody(`${P}-${i}`, P, 1))),
        );
        const granted = answers.filter((a) => a.status === 200);
        expect(granted).toHaveLength(10);
        for (const refused of answers.filter((a) => a.status !== 200)) expectRefusedForAvailability(refused);
        const ids = granted.map((a) => a.body.reservationId as string);
        expect(new Set(ids).size).toBe(10);
        for (const id of ids) expect(await reservation(id)).toMatchObject({ quantity: 1, remaining: 1 });
        expect(await reservedAt(h, 'test', P)).toBe(units(10));
        expect(await afrAt(h, 'test', P)).toBe(0n);
      },
    );

    it('when 96 reservations of 1 to 3 units race for 25 units, the grants never exceed the stock', async () => {
      const random = lcg(20260101);
      const quantities = Array.from({ length: 96 }, () => 1 + Math.floor(random() * 3));
      await stock('mixed', 25);
      const answers = await Promise.all(
        quantities.map((q, i) => send('/reserve', reserveBody(`mixed-${i}`, 'mixed', q))),
      );
      let grantedSum = 0;
      const refusedQuantities: number[] = [];
      answers.forEach((answer, i) => {
        if (answer.status === 200) grantedSum += quantities[i]!;
        else {
          expectRefusedForAvailability(answer);
          refusedQuantities.push(quantities[i]!);
        }
      });
      expect(grantedSum).toBeLessThanOrEqual(25);
      expect(await reservedAt(h, 'test', 'mixed')).toBe(units(grantedSum));
      const left = await afrAt(h, 'test', 'mixed');
      expect(left).toBe(units(25 - grantedSum));
      expect(left).toBeGreaterThanOrEqual(0n);
      // Availability only went down during the race, so a refused request asked for more than what is left.
      for (const q of refusedQuantities) expect(units(q)).toBeGreaterThan(left);
    });

    it('bulk requests and single requests racing for 30 units grant exactly 30', async () => {
      await stock('bulk-race', 30);
      const bulks = Array.from({ length: 4 }, (_, b) =>
        send(
          '/reserve/bulk',
          Array.from({ length: 20 }, (_, i) => reserveBody(`bulk-race-${b}-${i}`, 'bulk-race', 1)),
        ),
      );
      const singles = Array.from({ length: 40 }, (_, i) =>
        send('/reserve', reserveBody(`bulk-race-s${i}`, 'bulk-race', 1)),
      );
      const bulkAnswers = await Promise.all(bulks);
      const singleAnswers = await Promise.all(singles);
      const bulkGranted = bulkAnswers.reduce((n, a) => n + (a.body.success as unknown[]).length, 0);
      const bulkRefused = bulkAnswers.flatMap((a) => a.body.failure as Record<string, unknown>[]);
      for (const refused of bulkRefused) expect(refused.code).toBe('insufficient_availability');
      expect(bulkGranted + bulkRefused.length).toBe(80);
      const singleGranted = singleAnswers.filter((a) => a.status === 200).length;
      expect(bulkGranted + singleGranted).toBe(30);
      expect(await reservedAt(h, 'test', 'bulk-race')).toBe(units(30));
      expect(await afrAt(h, 'test', 'bulk-race')).toBe(0n);
    });
  });

  describe('retries racing each other', () => {
    it('32 concurrent copies of one reserve request reserve once and all get the same reservationId', async () => {
      await stock('retry', 5);
      const body = reserveBody('retry-1', 'retry', 2);
      const answers = await Promise.all(Array.from({ length: 32 }, () => send('/reserve', body)));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      expect(new Set(answers.map((a) => a.body.reservationId)).size).toBe(1);
      expect(await reservedAt(h, 'test', 'retry')).toBe(units(2));
    });

    it('one event id sent concurrently with different bodies is applied once; the others are conflicts', async () => {
      const products = Array.from({ length: 8 }, (_, i) => `conflict-${i}`);
      for (const p of products) await stock(p, 1);
      const answers = await Promise.all(products.map((p) => send('/reserve', reserveBody('same-id', p, 1))));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      for (const a of answers.filter((x) => x.status !== 200)) {
        expect(a.status).toBe(409);
        expect(a.body.code).toBe('event_id_conflict');
      }
      let reserved = 0n;
      for (const p of products) reserved += await reservedAt(h, 'test', p);
      expect(reserved).toBe(units(1));
    });
  });

  describe('reserve, unreserve, offset and on-hand changes racing on one product', () => {
    it('ends in the state a replay of the ledger gives, and no checked reservation went below zero', async () => {
      const P = 'mixed-race';
      await stock(P, 40);
      const premade: string[] = [];
      for (let i = 0; i < 20; i++) {
        const answer = await send('/reserve', reserveBody(`race-pre-${i}`, P, 1));
        expect(answer.status).toBe(200);
        premade.push(answer.body.reservationId as string);
      }
      const requests: Promise<Answer>[] = [
        ...Array.from({ length: 30 }, (_, i) => send('/reserve', reserveBody(`race-r${i}`, P, 1))),
        ...premade.slice(0, 10).map((reservationId, i) =>
          send('/unreserve', {
            id: `race-u${i}`,
            organizationId: ORG,
            productId: P,
            reservationId,
            OffsetQty: 1 + (i % 2),
          }),
        ),
        ...premade
          .slice(10, 15)
          .map((reservationId, i) =>
            send('/offset', { ...stockBody(`race-o${i}`, P, { outbound: 1 }), reservationId, offsetQty: 1 }),
          ),
        ...Array.from({ length: 5 }, (_, i) =>
          send('/offset', { ...stockBody(`race-a${i}`, P, { outbound: 1 }), offsetQty: 1 }),
        ),
        ...Array.from({ length: 5 }, (_, i) =>
          send('/reserve', reserveBody(`race-n${i}`, P, -1, { ifCheckAvailForReserv: false })),
        ),
        ...Array.from({ length: 5 }, (_, i) => send('', stockBody(`race-in${i}`, P, { inbound: 1 }))),
        ...Array.from({ length: 3 }, (_, i) => send('', stockBody(`race-out${i}`, P, { outbound: 1 }))),
      ];
      const answers = await Promise.all(requests);
      for (const answer of answers) {
        if (answer.status !== 200) expectRefusedForAvailability(answer);
      }
      const granted = answers.flatMap((a) =>
        a.status === 200 && String(a.body.id).startsWith('ohre~race-r')
          ? [a.body.reservationId as string]
          : [],
      );

      const ledger = await expectStoreEqualsLedgerReplay(h, 'test');

      // The reserved measure is exactly what the reservations still hold.
      let remaining = 0;
      for (const id of [...premade, ...granted]) {
        const r = await reservation(id);
        expect(r.remaining).toBeGreaterThanOrEqual(0);
        expect(r.remaining).toBeLessThanOrEqual(r.quantity);
        remaining += r.remaining;
      }
      expect(await reservedAt(h, 'test', P)).toBe(units(remaining));

      // Replay in ledger order: right after every checked reservation, availability was still >= 0.
      const sums = new Map<string, bigint>();
      const afr = () =>
        (sums.get('pos.inbound') ?? 0n) -
        (sums.get('pos.outbound') ?? 0n) -
        (sums.get('iv.softreserved') ?? 0n);
      let checked = 0;
      for (const entry of ledger) {
        const changes = entry.changes.filter((c) => c.productId === P);
        if (changes.length === 0) continue;
        for (const c of changes) {
          const key = `${c.dataSource}.${c.measure}`;
          sums.set(key, (sums.get(key) ?? 0n) + ledgerDeltaMicro(c.delta));
        }
        const request = (entry as { request?: { check?: boolean; quantity?: string } }).request;
        if (entry.kind === 'reservation.reserve' && request?.check === true) {
          checked++;
          expect(afr(), `after ledger entry ${entry.seq}`).toBeGreaterThanOrEqual(0n);
        }
      }
      expect(checked).toBe(20 + granted.length);
      expect(afr()).toBe(await afrAt(h, 'test', P));
      expect((await readLedger(h)).length).toBe(ledger.length);
    });
  });
});
