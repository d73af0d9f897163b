import { describe, expect, it } from 'vitest';
import {
  allocationBody,
  ataAt,
  queryAllocations,
  STORES,
  WEB,
  WEB_VIP,
} from '../../support/allocation-helpers.js';
import {
  AT,
  afrAt,
  expectStoreEqualsLedgerReplay,
  measureAt,
  ORG,
  units,
} from '../../support/reservation-helpers.js';
import { ENV, readLedger } from '../api-helpers.js';
import { h, ok, only, post, refused, stock } from './allocation-app.js';

/**
 * Consume and the allocation query (spec §4): part of allocation.test.ts, registered there in its order.
 */
export function describeConsumeAndQuery(): void {
  describe('consume', () => {
    it('draws down the allocation and counts what was consumed', async () => {
      await stock('co-1', 30);
      await ok('/allocation/allocate', allocationBody('c1-1', 'co-1', WEB_VIP, 30));
      await ok('/allocation/consume', allocationBody('c1-2', 'co-1', WEB_VIP, 5));
      const record = only(await queryAllocations(h, 'test', 'co-1'));
      expect(record.quantities['@iv']).toEqual({
        '@allocated': 25,
        '@consumed': 5,
        '@cumulative_allocated': 30,
        '@cumulative_consumed': 5,
      });
      expect(record).toMatchObject({ allocated: 30, consumed: 5, remaining: 25 });
      // Without a physical measure the consumed units go back to the pool (nothing else records the sale).
      expect(await ataAt(h, 'test', 'co-1')).toBe(units(5));
    });

    it('posts the on-hand change named in physicalMeasures, so the pool stays where it was', async () => {
      await stock('co-2', 30);
      await ok('/allocation/allocate', allocationBody('c2-1', 'co-2', WEB, 10));
      await ok(
        '/allocation/consume',
        allocationBody('c2-2', 'co-2', WEB, 3, { physicalMeasures: { pos: { inbound: 'Subtraction' } } }),
      );
      expect(await measureAt(h, 'test', 'co-2', AT, 'pos', 'inbound')).toBe(units(27));
      expect(await ataAt(h, 'test', 'co-2')).toBe(units(20));
      await ok(
        '/allocation/consume',
        allocationBody('c2-3', 'co-2', WEB, 1, { physicalMeasures: { POS: { Outbound: 'addition' } } }),
      );
      expect(await measureAt(h, 'test', 'co-2', AT, 'pos', 'outbound')).toBe(units(1));
      expect(await ataAt(h, 'test', 'co-2')).toBe(units(20));
      const ledger = await readLedger(h);
      const entry = ledger.find((e) => e.eventId === 'c2-2')!;
      expect(entry.kind).toBe('allocation.consume');
      expect(entry.changes.find((c) => c.dataSource === 'pos')).toMatchObject({
        measure: 'inbound',
        delta: -3,
      });
    });

    it('consumes as a soft reservation: the allocation becomes a reservation of the same units, which unreserve releases', async () => {
      await stock('co-5', 10);
      await ok('/allocation/allocate', allocationBody('c5-1', 'co-5', WEB, 6));
      expect(await afrAt(h, 'test', 'co-5')).toBe(units(4));
      const res = await post(
        '/allocation/consume',
        allocationBody('c5-2', 'co-5', WEB, 4, { physicalMeasures: { iv: { softreserved: 'Addition' } } }),
      );
      expect(res.statusCode, res.body).toBe(200);
      const { reservationId } = res.json() as { reservationId: string };
      expect(res.json()).toEqual({
        reservationId,
        id: 'c5-2',
        processingStatus: 'success',
        message: '',
        statusCode: 200,
      });
      // The units moved from the allocation to the reservation: neither pool changed.
      expect(await afrAt(h, 'test', 'co-5')).toBe(units(4));
      expect(await ataAt(h, 'test', 'co-5')).toBe(units(4));
      const reservation = await h.request('GET', `${ENV}/onhand/reservations/${reservationId}`);
      expect(reservation.json()).toMatchObject({
        quantity: 4,
        remaining: 4,
        status: 'open',
        dataSource: 'iv',
        measure: 'softreserved',
        eventId: 'c5-2',
        expiresAt: null,
        history: [{ kind: 'allocation.consume', eventId: 'c5-2' }],
      });
      const released = await post('/onhand/unreserve', {
        id: 'c5-3',
        organizationId: ORG,
        productId: 'co-5',
        reservationId,
        OffsetQty: 4,
      });
      expect(released.statusCode, released.body).toBe(200);
      expect(await afrAt(h, 'test', 'co-5')).toBe(units(8));
      expect(only(await queryAllocations(h, 'test', 'co-5'))).toMatchObject({ remaining: 2, consumed: 4 });
      await expectStoreEqualsLedgerReplay(h, 'test');
      const retry = await post(
        '/allocation/consume',
        allocationBody('c5-2', 'co-5', WEB, 4, { physicalMeasures: { iv: { softreserved: 'Addition' } } }),
      );
      expect(retry.json()).toEqual(res.json());
    });

    it('never consumes more than the group holds (oversell control)', async () => {
      await stock('co-3', 30);
      await ok('/allocation/allocate', allocationBody('c3-1', 'co-3', WEB, 2));
      await refused(
        '/allocation/consume',
        allocationBody('c3-2', 'co-3', WEB, 3),
        409,
        'insufficient_allocation',
      );
      await refused(
        '/allocation/consume',
        allocationBody('c3-3', 'co-3', WEB_VIP, 1),
        409,
        'insufficient_allocation',
      );
    });

    it.each([
      [{ pos: { inbound: 'Addition' } }, 'invalid_consume_measure'],
      [{ pos: { outbound: 'Subtraction' } }, 'invalid_consume_measure'],
      [{ pos: { inbound: 'minus' } }, 'invalid_consume_measure'],
      [{ fno: { physicalinvent: 'Subtraction' } }, 'data_source_read_only'],
      [{ '@iv': { '@consumed': 'Addition' } }, 'data_source_read_only'],
      [{ iv: { softreserved: 'Subtraction' } }, 'reserved_measure_not_writable'],
      [{ pos: { nothing: 'Addition' } }, 'unknown_measure'],
      [{ nowhere: { inbound: 'Addition' } }, 'unknown_data_source'],
    ])('refuses physicalMeasures %j with %s', async (physicalMeasures, code) => {
      await refused(
        '/allocation/consume',
        allocationBody('c4-1', 'co-4', WEB, 1, { physicalMeasures }),
        400,
        code,
      );
    });
  });

  describe('query', () => {
    it('returns every record of the key for groups {}, those under a partial path, and nothing at other dimensions', async () => {
      await stock('q-1', 50, { ...AT, colorId: 'red' });
      await ok('/allocation/allocate', allocationBody('q1-1', 'q-1', WEB_VIP, 5));
      await ok('/allocation/allocate', allocationBody('q1-2', 'q-1', { ...WEB_VIP, region: 'EU' }, 3));
      await ok('/allocation/allocate', allocationBody('q1-3', 'q-1', STORES, 2));
      await ok(
        '/allocation/allocate',
        allocationBody('q1-4', 'q-1', STORES, 4, { dimensions: { ...AT, colorId: 'red' } }),
      );
      const all = await queryAllocations(h, 'test', 'q-1');
      expect(all.map((r) => [r.groups, r.remaining])).toEqual([
        [{ channel: 'stores' }, 2],
        [{ channel: 'web', customerGroup: 'VIP' }, 5],
        [{ channel: 'web', customerGroup: 'VIP', region: 'EU' }, 3],
      ]);
      expect((await queryAllocations(h, 'test', 'q-1', WEB)).map((r) => r.remaining)).toEqual([5, 3]);
      expect(await queryAllocations(h, 'test', 'q-1', { channel: 'none' })).toEqual([]);
      const red = await queryAllocations(h, 'test', 'q-1', {}, { ...AT, colorId: 'red' });
      expect(red.map((r) => [r.dimensions, r.remaining])).toEqual([
        [{ colorid: 'red', locationid: '11', siteid: '1' }, 4],
      ]);
      expect(await queryAllocations(h, 'test', 'q-nothing')).toEqual([]);
    });

    it.each([
      [{ groups: { nope: 'x' } }, 'unknown_allocation_group', '/groups/nope'],
      [{ groups: { customerGroup: 'VIP' } }, 'allocation_group_gap', '/groups'],
      [{ dimensions: { siteId: '1' } }, 'missing_partition_dimension', '/dimensions/locationid'],
      [{ extra: 1 }, 'unknown_field', '/extra'],
      [{ productId: 5 }, 'invalid_type', '/productId'],
    ])('refuses a query with %j (%s)', async (change, code, field) => {
      const body = { organizationId: ORG, productId: 'q-2', dimensions: AT, ...change };
      const res = await post('/allocation/query', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe(code);
      expect(res.json().details.map((d: { path: string }) => d.path)).toContain(field);
    });
  });
}
