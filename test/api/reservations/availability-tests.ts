import { describe, expect, it } from 'vitest';
import { AT, afrAt, ORG, reserveBody, reservedAt, units } from '../../support/reservation-helpers.js';
import { ENV } from '../api-helpers.js';
import { h, post, reservation, reserve, stateOf, stock } from './reservations-app.js';

/**
 * Reservations check availability at their dimensions (colours, sizes, hierarchy levels, negative
 * quantities): part of reservations.test.ts, registered there in its order.
 */
export function describeAvailabilityChecks(): void {
  describe('reserving checks availability at the reservation dimensions', () => {
    it('a reservation within availability succeeds and lowers iv.availabletoreserve in queries at once', async () => {
      await stock('within', 10);
      const res = await post('/onhand/reserve', reserveBody('within-1', 'within', 4));
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toEqual({
        reservationId: expect.any(String),
        id: 'ohre~within-1',
        processingStatus: 'success',
        message: '',
        statusCode: 200,
      });
      expect(await afrAt(h, 'test', 'within')).toBe(units(6));
      expect(await reservedAt(h, 'test', 'within')).toBe(units(4));
      expect(await reservation(body.reservationId)).toMatchObject({
        quantity: 4,
        remaining: 4,
        status: 'open',
        expiresAt: null,
        dimensions: { siteid: '1', locationid: '11' },
      });
    });

    it('a reservation beyond availability fails with HTTP 409, statusCode 500 and changes nothing', async () => {
      await stock('beyond', 3);
      const before = await stateOf('beyond');
      const res = await post('/onhand/reserve', reserveBody('beyond-1', 'beyond', 4));
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        id: 'ohre~beyond-1',
        processingStatus: 'failure',
        statusCode: 500,
        code: 'insufficient_availability',
      });
      expect(res.json().message).toContain('3');
      expect(await stateOf('beyond')).toEqual(before);
      // The last unit is exactly reservable, and not a millionth more.
      await reserve('beyond-2', 'beyond', 3);
      expect(await afrAt(h, 'test', 'beyond')).toBe(0n);
      const tiny = await post('/onhand/reserve', reserveBody('beyond-3', 'beyond', '0.000001'));
      expect(tiny.json().code).toBe('insufficient_availability');
    });

    it('a reservation without the availability check is applied beyond availability', async () => {
      await stock('oversell', 2);
      await reserve('oversell-1', 'oversell', 5, { ifCheckAvailForReserv: false });
      expect(await afrAt(h, 'test', 'oversell')).toBe(units(-3));
      expect(await reservedAt(h, 'test', 'oversell')).toBe(units(5));
    });

    it('checks the colour a reservation names, not the stock of other colours', async () => {
      await stock('colours', 5, { ...AT, colorId: 'red' });
      await stock('colours', 1, { ...AT, colorId: 'blue' });
      const blue = { ...AT, colorId: 'blue' };
      const refused = await post(
        '/onhand/reserve',
        reserveBody('colours-1', 'colours', 2, { dimensions: blue }),
      );
      expect(refused.json().code).toBe('insufficient_availability');
      await reserve('colours-2', 'colours', 1, { dimensions: blue });
      await reserve('colours-3', 'colours', 5, { dimensions: { ...AT, colorId: 'red' } });
      expect(await afrAt(h, 'test', 'colours')).toBe(0n);
    });

    it('never reserves the same unit twice when channels reserve at different hierarchy levels', async () => {
      const red = { ...AT, colorId: 'red' };
      const blue = { ...AT, colorId: 'blue' };
      // A reservation without a colour first: a colour reservation is also checked at the location.
      await stock('levels', 10, red);
      await reserve('levels-1', 'levels', 10);
      const fine = await post('/onhand/reserve', reserveBody('levels-2', 'levels', 1, { dimensions: red }));
      expect(fine.statusCode).toBe(409);
      expect(fine.json().code).toBe('insufficient_availability');
      // A colour reservation first: the location level counts it.
      await stock('levels-b', 10, red);
      await reserve('levels-b1', 'levels-b', 10, { dimensions: red });
      const coarse = await post('/onhand/reserve', reserveBody('levels-b2', 'levels-b', 1));
      expect(coarse.json().code).toBe('insufficient_availability');
      // Siblings: what the location-level reservation holds is not available to either colour.
      await stock('levels-c', 5, red);
      await stock('levels-c', 5, blue);
      await reserve('levels-c1', 'levels-c', 5);
      await reserve('levels-c2', 'levels-c', 5, { dimensions: red });
      const sibling = await post(
        '/onhand/reserve',
        reserveBody('levels-c3', 'levels-c', 1, { dimensions: blue }),
      );
      expect(sibling.json().code).toBe('insufficient_availability');
      expect(await afrAt(h, 'test', 'levels-c')).toBe(0n);
      expect(await afrAt(h, 'test', 'levels-c', blue)).toBe(units(5));
    });

    // A reservation may use any subset of the hierarchy (spec §1.10): every subset of its dimensions
    // is checked, so a size reserved without a colour is counted by reservations of that size with one.
    it('never oversells a size reserved without a colour', async () => {
      await stock('sizes', 5, { ...AT, colorId: 'red', sizeId: 'S' });
      await stock('sizes', 5, { ...AT, colorId: 'red', sizeId: 'M' });
      await stock('sizes', 5, { ...AT, colorId: 'blue', sizeId: 'S' });
      await reserve('sizes-1', 'sizes', 5, { dimensions: { ...AT, sizeId: 'S' } });
      await reserve('sizes-2', 'sizes', 5, { dimensions: { ...AT, colorId: 'red', sizeId: 'S' } });
      const third = await post(
        '/onhand/reserve',
        reserveBody('sizes-3', 'sizes', 5, { dimensions: { ...AT, colorId: 'blue', sizeId: 'S' } }),
      );
      expect(third.json().code).toBe('insufficient_availability');
      const res = await h.request('POST', `${ENV}/onhand/indexquery`, {
        filters: {
          organizationId: [ORG],
          productId: ['sizes'],
          siteId: ['1'],
          locationId: ['11'],
          sizeId: ['S'],
        },
        groupByValues: ['sizeId'],
        returnNegative: true,
      });
      expect(res.json()[0].quantities.iv.availabletoreserve).toBe(0);
    });
  });

  describe('coarser levels count other colours only with what they have left', () => {
    it('lets an oversold colour not block reservations of another colour', async () => {
      const red = { ...AT, colorId: 'red' };
      const blue = { ...AT, colorId: 'blue' };
      await stock('siblings', 10, red);
      await stock('siblings', 1, blue);
      // Blue is oversold by an unchecked reservation (its availability is -2) …
      await reserve('siblings-blue', 'siblings', 3, { dimensions: blue, ifCheckAvailForReserv: false });
      // … which does not take any of red's units: all ten can still be reserved, but not an eleventh.
      await reserve('siblings-red', 'siblings', 10, { dimensions: red });
      const more = await post(
        '/onhand/reserve',
        reserveBody('siblings-red-2', 'siblings', 1, { dimensions: red }),
      );
      expect(more.json().code).toBe('insufficient_availability');
    });
  });

  describe('a negative quantity', () => {
    it('without the check releases open reservations at the same dimensions, like an unreserve', async () => {
      await stock('negative', 10);
      const { reservationId } = await reserve('negative-1', 'negative', 6);
      const res = await post(
        '/onhand/reserve',
        reserveBody('negative-2', 'negative', -2, { ifCheckAvailForReserv: false }),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        reservationId,
        totalInvalidOffsetQtyByReservId: 0,
        processingStatus: 'success',
        statusCode: 200,
      });
      expect(await afrAt(h, 'test', 'negative')).toBe(units(6));
      expect(await reservation(reservationId)).toMatchObject({ quantity: 6, remaining: 4, status: 'open' });

      const more = await post(
        '/onhand/reserve',
        reserveBody('negative-3', 'negative', -10, { ifCheckAvailForReserv: false }),
      );
      expect(more.json()).toMatchObject({
        processingStatus: 'partialSuccess',
        totalInvalidOffsetQtyByReservId: 6,
      });
      expect(await reservation(reservationId)).toMatchObject({ remaining: 0, status: 'released' });
      expect(await afrAt(h, 'test', 'negative')).toBe(units(10));
      expect(await reservedAt(h, 'test', 'negative')).toBe(0n);
    });

    it('with the check fails with statusCode 500 (negative_reservation_checked) and changes nothing', async () => {
      await stock('negative-checked', 10);
      await reserve('negative-checked-1', 'negative-checked', 3);
      const before = await stateOf('negative-checked');
      const res = await post('/onhand/reserve', reserveBody('negative-checked-2', 'negative-checked', -1));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        processingStatus: 'failure',
        statusCode: 500,
        code: 'negative_reservation_checked',
        details: [expect.objectContaining({ path: '/quantity' })],
      });
      expect(await stateOf('negative-checked')).toEqual(before);
    });
  });
}
