import { beforeAll, describe, expect, it } from 'vitest';
import { AT, afrAt, reserveBody, stockBody, units } from '../../support/reservation-helpers.js';
import { type ExpectedError, expectError } from '../api-helpers.js';
import { h, now, post, reservation, reserve, stateOf, stock } from './reservations-app.js';

/**
 * Bad reserve input gets a stable code and changes nothing; with reservation hierarchy version 1 a
 * dimension outside the hierarchy is dropped: part of reservations.test.ts, registered there in its order.
 */
export function describeReserveInput(): void {
  describe('bad reserve input gets a stable code and changes nothing', () => {
    const cases: (ExpectedError & {
      name: string;
      body: Record<string, unknown> | (() => Record<string, unknown>);
    })[] = [
      {
        name: 'zero quantity',
        body: { quantity: 0 },
        status: 400,
        code: 'invalid_quantity',
        path: '/quantity',
      },
      {
        name: 'non-numeric quantity',
        body: { quantity: 'ten' },
        status: 400,
        code: 'invalid_quantity',
        path: '/quantity',
      },
      {
        name: 'boolean quantity',
        body: { quantity: true },
        status: 400,
        code: 'invalid_quantity',
        path: '/quantity',
      },
      {
        name: 'quantity beyond the range',
        body: { quantity: 1e13 },
        status: 400,
        code: 'quantity_out_of_range',
        path: '/quantity',
      },
      {
        name: 'quantity beyond the range as a string',
        body: { quantity: '-1000000000000.5' },
        status: 400,
        code: 'quantity_out_of_range',
        path: '/quantity',
      },
      {
        name: 'more than six decimals',
        body: { quantity: '0.0000001' },
        status: 400,
        code: 'quantity_precision',
        path: '/quantity',
      },
      {
        name: 'unknown modifier',
        body: { modifier: 'nothing' },
        status: 400,
        code: 'measure_not_reservable',
        path: '/modifier',
      },
      {
        name: 'a measure without reservation mapping',
        body: { quantityDataSource: 'pos', modifier: 'inbound' },
        status: 400,
        code: 'measure_not_reservable',
        path: '/modifier',
      },
      {
        name: 'dimension outside the hierarchy (version 0)',
        body: { dimensions: { ...AT, batchId: 'b1' } },
        status: 400,
        code: 'dimension_not_in_reservation_hierarchy',
        path: '/dimensions/batchid',
      },
      {
        name: 'missing siteId (statusCode 500 in the body, as the vendor answers)',
        body: { dimensions: { locationId: '11' } },
        status: 400,
        bodyStatus: 500,
        code: 'missing_partition_dimension',
        path: '/dimensions/siteid',
      },
      {
        name: 'dimension outside the hierarchy with an empty value (version 0)',
        body: { dimensions: { ...AT, colorId: '', batchId: '' } },
        status: 400,
        code: 'dimension_not_in_reservation_hierarchy',
        path: '/dimensions/batchid',
      },
      {
        name: 'expiresAt in the past',
        body: { expiresAt: '2025-12-31T23:59:59Z' },
        status: 400,
        code: 'invalid_expiry',
        path: '/expiresAt',
      },
      {
        name: 'expiresAt now',
        body: () => ({ expiresAt: now.toISOString() }),
        status: 400,
        code: 'invalid_expiry',
        path: '/expiresAt',
      },
      {
        name: 'expiresAt not a timestamp',
        body: { expiresAt: 'tomorrow' },
        status: 400,
        code: 'invalid_expiry',
        path: '/expiresAt',
      },
      {
        name: 'expiresAt more than a year ahead',
        body: { expiresAt: '2030-01-01T00:00:00Z' },
        status: 400,
        code: 'invalid_expiry',
        path: '/expiresAt',
      },
      {
        name: 'ttlSeconds zero',
        body: { ttlSeconds: 0 },
        status: 400,
        code: 'invalid_expiry',
        path: '/ttlSeconds',
      },
      {
        name: 'ttlSeconds beyond a year',
        body: { ttlSeconds: 31_536_001 },
        status: 400,
        code: 'invalid_expiry',
        path: '/ttlSeconds',
      },
      {
        name: 'both expiresAt and ttlSeconds',
        body: { ttlSeconds: 60, expiresAt: '2026-01-02T00:00:00Z' },
        status: 400,
        code: 'invalid_expiry',
      },
      {
        name: 'a release that expires',
        body: { quantity: -1, ifCheckAvailForReserv: false, ttlSeconds: 60 },
        status: 400,
        code: 'invalid_expiry',
      },
    ];

    beforeAll(async () => {
      await stock('bad', 5);
      await reserve('bad-seed', 'bad', 1);
    });

    it.each(cases)('$name → $status $code', async ({ body, ...expected }) => {
      const before = await stateOf('bad');
      const fields = typeof body === 'function' ? body() : body;
      const res = await post('/onhand/reserve', reserveBody('bad-1', 'bad', 1, fields));
      expectError(res, expected);
      expect(await stateOf('bad')).toEqual(before);
    });

    it('refuses an unknown field in the body by schema and changes nothing', async () => {
      const before = await stateOf('bad');
      const res = await post('/onhand/reserve', { ...reserveBody('bad-2', 'bad', 1), colour: 'red' });
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: '/colour' })]),
      );
      expect(await stateOf('bad')).toEqual(before);
    });

    it('answers a reserve without siteId and locationId with HTTP 400 and statusCode 500, as the vendor', async () => {
      const res = await post(
        '/onhand/reserve',
        reserveBody('bad-3', 'bad', 1, { dimensions: { colorId: 'red' } }),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        id: 'ohre~bad-3',
        processingStatus: 'failure',
        code: 'missing_partition_dimension',
        statusCode: 500,
      });
      const bulk = await post('/onhand/reserve/bulk', [
        reserveBody('bad-4', 'bad', 1, { dimensions: { siteId: '1' } }),
      ]);
      expect(bulk.statusCode).toBe(200);
      expect(bulk.json().failure).toEqual([expect.objectContaining({ id: 'ohre~bad-4', statusCode: 500 })]);
    });
  });

  describe('reservation hierarchy version 1 (filter unconfigured dimensions)', () => {
    it('accepts a dimension outside the hierarchy and drops it from the reservation', async () => {
      expect((await h.request('PUT', '/api/environment/filtered')).statusCode).toBe(201);
      const config = (await h.request('GET', '/api/environment/filtered/configuration')).json();
      config.reservConfiguration.version = 1;
      const update = await h.request('POST', '/api/environment/filtered/configuration/hardupdate', config);
      expect(update.statusCode, update.body).toBe(200);
      expect(update.json().reservConfiguration.version).toBe(1);

      const red = { ...AT, colorId: 'red' };
      const empty = await h.request(
        'POST',
        '/api/environment/filtered/onhand/reserve',
        reserveBody('f-0', 'v1', 1, { dimensions: { ...red, batchId: '' }, ifCheckAvailForReserv: false }),
      );
      expect(empty.json()).toMatchObject({ processingStatus: 'success', statusCode: 200 });
      const release = await h.request(
        'POST',
        '/api/environment/filtered/onhand/reserve',
        reserveBody('f-00', 'v1', -1, { dimensions: { ...red, batchId: '' }, ifCheckAvailForReserv: false }),
      );
      expect(release.json()).toMatchObject({ processingStatus: 'success', statusCode: 200 });
      const stocked = await h.request(
        'POST',
        '/api/environment/filtered/onhand',
        stockBody('f-stock', 'v1', { inbound: 3 }, red),
      );
      expect(stocked.statusCode).toBe(200);
      const res = await h.request(
        'POST',
        '/api/environment/filtered/onhand/reserve',
        reserveBody('f-1', 'v1', 2, { dimensions: { ...red, batchId: 'b1' } }),
      );
      expect(res.statusCode, res.body).toBe(200);
      const kept = await reservation(res.json().reservationId, 'filtered');
      expect(kept.dimensions).toEqual({ siteid: '1', locationid: '11', colorid: 'red' });
      expect(await afrAt(h, 'filtered', 'v1', red)).toBe(units(1));
      // The check still applies once the dimension is dropped.
      const over = await h.request(
        'POST',
        '/api/environment/filtered/onhand/reserve',
        reserveBody('f-2', 'v1', 2, { dimensions: { ...red, batchId: 'b2' } }),
      );
      expect(over.json().code).toBe('insufficient_availability');
    });
  });
}
