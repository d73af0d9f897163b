import { describe, expect, it } from 'vitest';
import { reserveBody, stockBody, units } from '../support/reservation-helpers.js';
import { describeOnTwoServers, useTwoServers } from '../support/two-servers.js';

/*
 * One event id sent to both server processes at once (test/support/two-servers.ts): applied once,
 * every answer the first envelope; another body is a conflict on both.
 */
describeOnTwoServers((create) => {
  const t = useTwoServers(create);
  const { on, send, expectConflict, measure, ledger } = t;

  describe('one event id sent to both servers at once', () => {
    it('the same on-hand change 20 times is applied once, and every answer is the first envelope', async () => {
      const P = 'dup';
      expect((await send(t.servers()[1]!, '', stockBody('stock-dup', P, { inbound: 5 }))).status).toBe(200);
      const body = stockBody('dup-1', P, { inbound: 1 });
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(on(i), '', body)));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({
          id: 'dup-1',
          processingStatus: 'success',
          message: '',
          statusCode: 200,
        });
      }
      expect(answers.filter((a) => a.replayed)).toHaveLength(19);
      expect(await measure(t.servers()[0]!, P, 'pos', 'inbound')).toBe(units(6));

      // The same id with another body: a conflict on both servers, nothing applied.
      const changed = stockBody('dup-1', P, { inbound: 2 });
      const conflicts = await Promise.all(Array.from({ length: 10 }, (_, i) => send(on(i), '', changed)));
      for (const answer of conflicts) expectConflict(answer);
      expect(await measure(t.servers()[1]!, P, 'pos', 'inbound')).toBe(units(6));
    });

    it('a new id with two different bodies, one per server: one body wins everywhere', async () => {
      const P = 'dup-race';
      const bodies = [stockBody('dup-race-1', P, { inbound: 1 }), stockBody('dup-race-1', P, { inbound: 3 })];
      const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => send(on(i), '', bodies[i % 2])));
      const winners = new Set(answers.flatMap((a, i) => (a.status === 200 ? [i % 2] : [])));
      expect(winners.size).toBe(1);
      const winner = [...winners][0]!;
      answers.forEach((answer, i) => {
        if (i % 2 === winner) expect(answer.status).toBe(200);
        else expectConflict(answer);
      });
      expect(await measure(t.servers()[0]!, P, 'pos', 'inbound')).toBe(units(winner === 0 ? 1 : 3));
    });

    it('the same reserve request 10 times makes one reservation, and every answer names it', async () => {
      const P = 'dup-reserve';
      expect(
        (await send(t.servers()[0]!, '', stockBody('stock-dup-reserve', P, { inbound: 5 }))).status,
      ).toBe(200);
      const body = reserveBody('dup-reserve-1', P, 2);
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => send(on(i), '/reserve', body)));
      for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(new Set(answers.map((a) => a.body.reservationId)).size).toBe(1);
      expect(answers.filter((a) => a.replayed)).toHaveLength(9);
      expect(await measure(t.servers()[1]!, P, 'iv', 'softreserved')).toBe(units(2));
      const entries = (await ledger(t.servers()[0]!)).filter((e) => e.eventId === 'dup-reserve-1');
      expect(entries).toHaveLength(1);
      expect(entries[0]!.kind).toBe('reservation.reserve');
    });
  });
});
