import { describe, expect, it } from 'vitest';
import {
  AT,
  afrAt,
  measureAt,
  reserveBody,
  reservedAt,
  stockBody,
  units,
} from '../../support/reservation-helpers.js';
import { ENV, expectError, readLedger } from '../api-helpers.js';
import { advance, h, post, reservation, reserve, stateOf, stock, unreserveBody } from './reservations-app.js';

/**
 * Unreserve and the ERP's offsets release reservations: part of reservations.test.ts.
 */
export function describeReleases(): void {
  describe('unreserve', () => {
    it('releases part of a reservation', async () => {
      await stock('partial', 10);
      const { reservationId } = await reserve('partial-1', 'partial', 10);
      const res = await post('/onhand/unreserve', unreserveBody('partial-u1', 'partial', reservationId, 4));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        reservationId,
        totalInvalidOffsetQtyByReservId: 0,
        id: 'ohoe~partial-u1',
        processingStatus: 'success',
        message: '',
        statusCode: 200,
      });
      expect(await afrAt(h, 'test', 'partial')).toBe(units(4));
      expect(await reservation(reservationId)).toMatchObject({ quantity: 10, remaining: 6, status: 'open' });
    });

    it('accepts the reservation dimensions as the spec sends them, and refuses other dimensions', async () => {
      await stock('unreserve-dims', 5, { ...AT, colorId: 'red' });
      const red = { ...AT, colorId: 'red' };
      const { reservationId } = await reserve('ud-1', 'unreserve-dims', 5, { dimensions: red });
      const before = await stateOf('unreserve-dims');
      const wrong = await post('/onhand/unreserve', {
        ...unreserveBody('ud-u1', 'unreserve-dims', reservationId, 1),
        dimensions: { ...AT, colorId: 'blue' },
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json()).toMatchObject({ processingStatus: 'failure', code: 'reservation_mismatch' });
      expect(await stateOf('unreserve-dims')).toEqual(before);
      const right = await post('/onhand/unreserve', {
        ...unreserveBody('ud-u2', 'unreserve-dims', reservationId, 1),
        dimensions: { ColorId: 'red', SiteId: '1', LocationId: '11' },
      });
      expect(right.json().processingStatus).toBe('success');
      expect((await reservation(reservationId)).remaining).toBe(4);
    });

    it('answers an OffsetQty beyond what remains with partialSuccess and the excess (spec §5.4: 10 reserved, 12 → 2)', async () => {
      await stock('excess', 10);
      const { reservationId } = await reserve('excess-1', 'excess', 10);
      const res = await post('/onhand/unreserve', unreserveBody('excess-u1', 'excess', reservationId, 12));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        reservationId,
        totalInvalidOffsetQtyByReservId: 2,
        processingStatus: 'partialSuccess',
        statusCode: 200,
      });
      expect(await reservation(reservationId)).toMatchObject({ remaining: 0, status: 'released' });
      expect(await afrAt(h, 'test', 'excess')).toBe(units(10));
      // Nothing left: everything sent is excess, and nothing goes below zero.
      const again = await post('/onhand/unreserve', unreserveBody('excess-u2', 'excess', reservationId, 1.5));
      expect(again.json()).toMatchObject({
        processingStatus: 'partialSuccess',
        totalInvalidOffsetQtyByReservId: 1.5,
      });
      expect(await reservedAt(h, 'test', 'excess')).toBe(0n);
    });

    it('answers an unknown reservationId with 404 reservation_not_found and changes nothing', async () => {
      await stock('unknown', 1);
      const before = await stateOf('unknown');
      const res = await post(
        '/onhand/unreserve',
        unreserveBody('unknown-u1', 'unknown', 'no-such-reservation', 1),
      );
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({
        reservationId: 'no-such-reservation',
        id: 'ohoe~unknown-u1',
        processingStatus: 'notFound',
        statusCode: 404,
        code: 'reservation_not_found',
      });
      expect(await stateOf('unknown')).toEqual(before);
    });

    it('answers a reservationId of another organization with 404 and leaves the reservation alone', async () => {
      await stock('org', 2);
      const { reservationId } = await reserve('org-1', 'org', 2);
      const before = await stateOf('org');
      const res = await post('/onhand/unreserve', {
        ...unreserveBody('org-u1', 'org', reservationId, 2),
        organizationId: 'other-org',
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('reservation_not_found');
      // Another product of the same organization does not hold it either.
      const product = await post('/onhand/unreserve', unreserveBody('org-u2', 'not-org', reservationId, 2));
      expect(product.statusCode).toBe(404);
      expect(await stateOf('org')).toEqual(before);
      expect((await reservation(reservationId)).remaining).toBe(2);
    });

    it('answers a reservationId of another environment with 404, even for a client allowed both', async () => {
      expect((await h.request('PUT', '/api/environment/other')).statusCode).toBe(201);
      const token = await h.tokenFor(['test', 'other']);
      await stock('env', 2);
      const { reservationId } = await reserve('env-1', 'env', 2);
      const before = await stateOf('env');
      const other = '/api/environment/other/onhand';
      const unreserve = await h.request(
        'POST',
        `${other}/unreserve`,
        unreserveBody('env-u1', 'env', reservationId, 2),
        { token },
      );
      expect(unreserve.statusCode).toBe(404);
      expect(unreserve.json().code).toBe('reservation_not_found');
      const read = await h.request('GET', `${other}/reservations/${reservationId}`, undefined, { token });
      expect(read.statusCode).toBe(404);
      const extend = await h.request(
        'POST',
        `${other}/reservations/${reservationId}/extend`,
        { ttlSeconds: 60 },
        { token },
      );
      expect(extend.statusCode).toBe(404);
      const offset = await h.request(
        'POST',
        `${other}/offset`,
        { ...stockBody('env-o1', 'env', { outbound: 1 }), reservationId, offsetQty: 1 },
        { token },
      );
      expect(offset.statusCode).toBe(404);
      expect(await stateOf('env')).toEqual(before);
      // The same client reaches it in its own environment.
      const own = await h.request(
        'POST',
        `${ENV}/onhand/unreserve`,
        unreserveBody('env-u2', 'env', reservationId, 2),
        { token },
      );
      expect(own.json().processingStatus).toBe('success');
    });

    it.each([
      ['zero', 0, 'invalid_quantity'],
      ['negative', -1, 'invalid_quantity'],
      ['non-numeric', 'all', 'invalid_quantity'],
      ['beyond the range', '2000000000000', 'quantity_out_of_range'],
    ])('refuses a %s OffsetQty with a stable code', async (_name, offsetQty, code) => {
      await stock('offsetqty', 3);
      const { reservationId } = await reserve(`offsetqty-${_name}`, 'offsetqty', 1);
      const before = await stateOf('offsetqty');
      const res = await post(
        '/onhand/unreserve',
        unreserveBody(`offsetqty-u-${_name}`, 'offsetqty', reservationId, offsetQty),
      );
      expectError(res, { status: 400, code, path: '/OffsetQty' });
      expect(await stateOf('offsetqty')).toEqual(before);
    });
  });

  describe('offsets from the ERP (extension): the on-hand change and the release in one step', () => {
    it('by reservationId: the deduction is posted and the reservation released, availability unchanged', async () => {
      await stock('offset-id', 10);
      const { reservationId } = await reserve('offset-id-1', 'offset-id', 3);
      expect(await afrAt(h, 'test', 'offset-id')).toBe(units(7));
      const ledgerBefore = (await readLedger(h)).length;
      const res = await post('/onhand/offset', {
        ...stockBody('offset-id-o1', 'offset-id', { outbound: 3 }),
        reservationId,
        offsetQty: 3,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        reservationId,
        totalInvalidOffsetQtyByReservId: 0,
        id: 'ohoe~offset-id-o1',
        processingStatus: 'success',
      });
      expect(await measureAt(h, 'test', 'offset-id', AT, 'pos', 'outbound')).toBe(units(3));
      expect(await reservedAt(h, 'test', 'offset-id')).toBe(0n);
      expect(await afrAt(h, 'test', 'offset-id')).toBe(units(7));
      expect(await reservation(reservationId)).toMatchObject({ remaining: 0, status: 'released' });
      // One ledger entry carries both changes: no reader can see one without the other.
      const ledger = await readLedger(h);
      expect(ledger).toHaveLength(ledgerBefore + 1);
      const entry = ledger[ledger.length - 1]!;
      expect(entry.kind).toBe('reservation.offset');
      expect(entry.changes.map((c) => [`${c.dataSource}.${c.measure}`, c.delta]).sort()).toEqual([
        ['iv.softreserved', -3],
        ['pos.outbound', 3],
      ]);
    });

    it('auto offset: releases the oldest open reservation at exactly the same dimensions', async () => {
      const red = { ...AT, colorId: 'red' };
      await stock('auto', 10, red);
      const first = await reserve('auto-1', 'auto', 2, { dimensions: red });
      advance(1);
      const second = await reserve('auto-2', 'auto', 2, { dimensions: red });
      const coarse = await reserve('auto-3', 'auto', 1);
      const res = await post('/onhand/offset', {
        ...stockBody('auto-o1', 'auto', { outbound: 3 }, red),
        offsetQty: 3,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ processingStatus: 'success', reservationId: first.reservationId });
      expect((await reservation(first.reservationId)).remaining).toBe(0);
      expect((await reservation(second.reservationId)).remaining).toBe(1);
      expect((await reservation(coarse.reservationId)).remaining).toBe(1);
      expect(await measureAt(h, 'test', 'auto', red, 'pos', 'outbound')).toBe(units(3));
      expect(await reservedAt(h, 'test', 'auto', red)).toBe(units(1));
    });

    // Reservation ids increase in creation order, so reservations made in the same instant (one bulk
    // request) are still released oldest first.
    it('auto offset releases reservations made in one bulk request in the order they were made', async () => {
      await stock('auto-order', 8);
      const bulk = await post(
        '/onhand/reserve/bulk',
        Array.from({ length: 8 }, (_, i) => reserveBody(`auto-order-${i}`, 'auto-order', 1)),
      );
      const made = (bulk.json().success as { id: string; reservationId: string }[]).map(
        (r) => r.reservationId,
      );
      expect(made).toHaveLength(8);
      const released: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await post('/onhand/offset', {
          ...stockBody(`auto-order-o${i}`, 'auto-order', { outbound: 1 }),
          offsetQty: 1,
        });
        released.push(res.json().reservationId);
      }
      expect(released).toEqual(made);
    });

    it('an offset naming an unknown reservation applies nothing, not even the on-hand change', async () => {
      await stock('offset-unknown', 4);
      const before = await stateOf('offset-unknown');
      const res = await post('/onhand/offset', {
        ...stockBody('offset-unknown-o1', 'offset-unknown', { outbound: 1 }),
        reservationId: 'no-such-reservation',
        offsetQty: 1,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ processingStatus: 'notFound', code: 'reservation_not_found' });
      expect(await stateOf('offset-unknown')).toEqual(before);
    });

    it('an auto offset with nothing reserved posts the change and reports the whole quantity as excess', async () => {
      await stock('offset-none', 4);
      const res = await post('/onhand/offset', {
        ...stockBody('offset-none-o1', 'offset-none', { outbound: 1 }),
        offsetQty: 2,
      });
      expect(res.json()).toMatchObject({
        processingStatus: 'partialSuccess',
        totalInvalidOffsetQtyByReservId: 2,
      });
      expect(await measureAt(h, 'test', 'offset-none', AT, 'pos', 'outbound')).toBe(units(1));
    });
  });
}
