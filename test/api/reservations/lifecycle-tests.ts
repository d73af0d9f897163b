import { describe, expect, it } from 'vitest';
import {
  AT,
  afrAt,
  expectStoreEqualsLedgerReplay,
  measureAt,
  reserveBody,
  reservedAt,
  stockBody,
  units,
} from '../../support/reservation-helpers.js';
import { ENV, expectError, readLedger } from '../api-helpers.js';
import {
  advance,
  h,
  now,
  post,
  reservation,
  reserve,
  stateOf,
  stock,
  sweep,
  unreserveBody,
} from './reservations-app.js';

/**
 * Idempotency by event id, expiry and extension, bulk buckets, and the ledger replay after all of
 * reservations.test.ts's tests before it: part of that file, registered there in its order.
 */
export function describeLifecycle(): void {
  describe('idempotency by event id', () => {
    it('the same id with the same body returns the same reservationId and reserves once', async () => {
      await stock('idem', 5);
      const body = reserveBody('idem-1', 'idem', 2);
      const first = await post('/onhand/reserve', body);
      const ledger = (await readLedger(h)).length;
      const retry = await post('/onhand/reserve', body);
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toEqual(first.json());
      expect((await readLedger(h)).length).toBe(ledger);
      expect(await reservedAt(h, 'test', 'idem')).toBe(units(2));
    });

    it('the same id with a different body is a 409 event_id_conflict and changes nothing', async () => {
      await stock('idem-conflict', 5);
      await reserve('idem-conflict-1', 'idem-conflict', 2);
      const before = await stateOf('idem-conflict');
      const res = await post('/onhand/reserve', reserveBody('idem-conflict-1', 'idem-conflict', 3));
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        processingStatus: 'conflict',
        statusCode: 409,
        code: 'event_id_conflict',
      });
      expect(await stateOf('idem-conflict')).toEqual(before);
    });

    it('a retried unreserve and a retried offset release once', async () => {
      await stock('idem-release', 10);
      const { reservationId } = await reserve('idem-release-1', 'idem-release', 6);
      const unreserve = unreserveBody('idem-release-u1', 'idem-release', reservationId, 2);
      const offset = {
        ...stockBody('idem-release-o1', 'idem-release', { outbound: 1 }),
        reservationId,
        offsetQty: 1,
      };
      const answers = [];
      for (let i = 0; i < 2; i++) {
        answers.push(
          (await post('/onhand/unreserve', unreserve)).json(),
          (await post('/onhand/offset', offset)).json(),
        );
      }
      expect(answers[2]).toEqual(answers[0]);
      expect(answers[3]).toEqual(answers[1]);
      expect((await reservation(reservationId)).remaining).toBe(3);
      expect(await measureAt(h, 'test', 'idem-release', AT, 'pos', 'outbound')).toBe(units(1));
    });
  });

  describe('expiry (extension)', () => {
    it('releases a reservation when its time-to-live has passed: in queries at once, in the ledger and its history', async () => {
      await stock('ttl', 5);
      const { reservationId, expiresAt } = await reserve('ttl-1', 'ttl', 5, { ttlSeconds: 60 });
      expect(expiresAt).toBe(new Date(now.getTime() + 60_000).toISOString());
      advance(59);
      await sweep();
      expect((await reservation(reservationId)).status).toBe('open');
      expect(await afrAt(h, 'test', 'ttl')).toBe(0n);

      advance(1);
      await sweep();
      expect(await afrAt(h, 'test', 'ttl')).toBe(units(5));
      expect(await reservedAt(h, 'test', 'ttl')).toBe(0n);
      const expired = await reservation(reservationId);
      expect(expired).toMatchObject({ quantity: 5, remaining: 0, status: 'expired', expiresAt });
      expect(expired.history.map((e) => e.kind)).toEqual(['reservation.reserve', 'reservation.expire']);
      const entry = (await readLedger(h)).find(
        (e) => e.kind === 'reservation.expire' && e.changes[0]?.productId === 'ttl',
      );
      expect(entry?.changes.map((c) => [`${c.dataSource}.${c.measure}`, c.delta])).toEqual([
        ['iv.softreserved', -5],
      ]);
      // An unreserve after the expiry finds nothing left.
      const late = await post('/onhand/unreserve', unreserveBody('ttl-u1', 'ttl', reservationId, 1));
      expect(late.json()).toMatchObject({
        processingStatus: 'partialSuccess',
        totalInvalidOffsetQtyByReservId: 1,
      });
    });

    it('a reservation whose expiry has passed is not counted by the next reserve, even before a sweep', async () => {
      await stock('lazy', 5);
      const { reservationId } = await reserve('lazy-1', 'lazy', 5, {
        expiresAt: new Date(now.getTime() + 30_000).toISOString(),
      });
      advance(29);
      const early = await post('/onhand/reserve', reserveBody('lazy-2', 'lazy', 1));
      expect(early.json().code).toBe('insufficient_availability');
      advance(1);
      await reserve('lazy-3', 'lazy', 5);
      expect(await reservation(reservationId)).toMatchObject({ remaining: 0, status: 'expired' });
      expect(await afrAt(h, 'test', 'lazy')).toBe(0n);
      expect(await reservedAt(h, 'test', 'lazy')).toBe(units(5));
    });

    it('extending before the expiry moves it', async () => {
      await stock('extend', 5);
      const { reservationId } = await reserve('extend-1', 'extend', 5, { ttlSeconds: 60 });
      advance(30);
      const res = await h.request('POST', `${ENV}/onhand/reservations/${reservationId}/extend`, {
        ttlSeconds: 120,
      });
      expect(res.statusCode, res.body).toBe(200);
      const moved = new Date(now.getTime() + 120_000).toISOString();
      expect(res.json()).toMatchObject({ reservationId, expiresAt: moved, processingStatus: 'success' });
      expect((await reservation(reservationId)).expiresAt).toBe(moved);
      advance(100);
      await sweep();
      expect((await reservation(reservationId)).status).toBe('open');
      const byTimestamp = new Date(now.getTime() + 10_000).toISOString();
      const again = await h.request('POST', `${ENV}/onhand/reservations/${reservationId}/extend`, {
        expiresAt: byTimestamp,
      });
      expect(again.json().expiresAt).toBe(byTimestamp);
      advance(10);
      await sweep();
      expect((await reservation(reservationId)).status).toBe('expired');
    });

    it('an extension repeated to the same expiresAt (a retry) answers the same and records one extension', async () => {
      await stock('extend-retry', 5);
      const { reservationId } = await reserve('extend-retry-1', 'extend-retry', 5, { ttlSeconds: 60 });
      const expiresAt = new Date(now.getTime() + 600_000).toISOString();
      const path = `${ENV}/onhand/reservations/${reservationId}/extend`;
      const first = await h.request('POST', path, { expiresAt });
      expect(first.statusCode, first.body).toBe(200);
      const ledger = (await readLedger(h)).length;
      advance(5);
      const retry = await h.request('POST', path, { expiresAt });
      expect(retry.statusCode, retry.body).toBe(200);
      expect(retry.json()).toEqual(first.json());
      expect(await readLedger(h)).toHaveLength(ledger);
      const view = await reservation(reservationId);
      expect(view.expiresAt).toBe(expiresAt);
      expect(view.history.map((e) => e.kind)).toEqual(['reservation.reserve', 'reservation.extend']);
    });

    it('extending after the expiry, or after a full release, is a 409 reservation_closed', async () => {
      await stock('extend-late', 5);
      const { reservationId } = await reserve('extend-late-1', 'extend-late', 2, { ttlSeconds: 10 });
      advance(11);
      // No sweep has run: the expiry is still honoured.
      const late = await h.request('POST', `${ENV}/onhand/reservations/${reservationId}/extend`, {
        ttlSeconds: 60,
      });
      expectError(late, { status: 409, code: 'reservation_closed' });
      expect(await reservation(reservationId)).toMatchObject({ status: 'expired', remaining: 0 });

      const released = await reserve('extend-late-2', 'extend-late', 2);
      await post(
        '/onhand/unreserve',
        unreserveBody('extend-late-u', 'extend-late', released.reservationId, 2),
      );
      const closed = await h.request('POST', `${ENV}/onhand/reservations/${released.reservationId}/extend`, {
        ttlSeconds: 60,
      });
      expectError(closed, { status: 409, code: 'reservation_closed' });
    });

    it.each([
      ['an expiresAt in the past', { expiresAt: '2020-01-01T00:00:00Z' }, 'invalid_expiry'],
      ['a ttlSeconds of zero', { ttlSeconds: 0 }, 'invalid_expiry'],
      ['both', { ttlSeconds: 5, expiresAt: '2027-01-01T00:00:00Z' }, 'invalid_expiry'],
      ['neither', {}, 'invalid_expiry'],
    ])('refuses to extend with %s and keeps the expiry', async (_name, body, code) => {
      await stock('extend-bad', 5);
      const { reservationId, expiresAt } = await reserve(`extend-bad-${_name}`, 'extend-bad', 1, {
        ttlSeconds: 300,
      });
      const res = await h.request('POST', `${ENV}/onhand/reservations/${reservationId}/extend`, body);
      expectError(res, { status: 400, code });
      expect((await reservation(reservationId)).expiresAt).toBe(expiresAt);
    });

    it('reading or extending an unknown reservation is a 404 reservation_not_found', async () => {
      expectError(await h.request('GET', `${ENV}/onhand/reservations/nothing`), {
        status: 404,
        code: 'reservation_not_found',
      });
      expectError(await h.request('POST', `${ENV}/onhand/reservations/nothing/extend`, { ttlSeconds: 5 }), {
        status: 404,
        code: 'reservation_not_found',
      });
    });
  });

  describe('bulk reserve and unreserve answer each item in its bucket', () => {
    it('reserve/bulk: success and failure side by side, each checked against the items before it', async () => {
      await stock('bulk', 3);
      const res = await post('/onhand/reserve/bulk', [
        reserveBody('bulk-1', 'bulk', 2),
        reserveBody('bulk-2', 'bulk', 2),
        reserveBody('bulk-3', 'bulk', 1),
        reserveBody('bulk-4', 'bulk', 1, { modifier: 'nothing' }),
      ]);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.success.map((e: { id: string }) => e.id)).toEqual(['ohre~bulk-1', 'ohre~bulk-3']);
      expect(body.failure).toEqual([
        expect.objectContaining({ id: 'ohre~bulk-2', statusCode: 500, code: 'insufficient_availability' }),
        expect.objectContaining({ id: 'ohre~bulk-4', statusCode: 400, code: 'measure_not_reservable' }),
      ]);
      expect([body.conflict, body.notFound, body.partialSuccess, body.unknown]).toEqual([[], [], [], []]);
      expect(await afrAt(h, 'test', 'bulk')).toBe(0n);
    });

    it('unreserve/bulk: success, partialSuccess, notFound and failure', async () => {
      await stock('bulk-un', 5);
      const { reservationId } = await reserve('bulk-un-1', 'bulk-un', 5);
      const res = await post('/onhand/unreserve/bulk', [
        unreserveBody('bulk-un-u1', 'bulk-un', reservationId, 2),
        unreserveBody('bulk-un-u2', 'bulk-un', reservationId, 4),
        unreserveBody('bulk-un-u3', 'bulk-un', 'no-such-reservation', 1),
        unreserveBody('bulk-un-u4', 'bulk-un', reservationId, 0),
      ]);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.success).toEqual([
        expect.objectContaining({ id: 'ohoe~bulk-un-u1', totalInvalidOffsetQtyByReservId: 0 }),
      ]);
      expect(body.partialSuccess).toEqual([
        expect.objectContaining({
          id: 'ohoe~bulk-un-u2',
          reservationId,
          totalInvalidOffsetQtyByReservId: 1,
          statusCode: 200,
        }),
      ]);
      expect(body.notFound).toEqual([
        expect.objectContaining({ id: 'ohoe~bulk-un-u3', statusCode: 404, code: 'reservation_not_found' }),
      ]);
      expect(body.failure).toEqual([
        expect.objectContaining({ id: 'ohoe~bulk-un-u4', code: 'invalid_quantity' }),
      ]);
      expect(await reservation(reservationId)).toMatchObject({ remaining: 0, status: 'released' });
    });

    it('the stored state still equals a replay of the ledger after everything above', async () => {
      await expectStoreEqualsLedgerReplay(h, 'test');
      await expectStoreEqualsLedgerReplay(h, 'filtered');
    });
  });
}
