import { describe, expect, it } from 'vitest';
import {
  allocationBody,
  queryAllocations,
  reallocateBody,
  STORES,
  WEB,
  WEB_VIP,
} from '../../support/allocation-helpers.js';
import { AT, expectStoreEqualsLedgerReplay } from '../../support/reservation-helpers.js';
import { ENV, readLedger } from '../api-helpers.js';
import { allocate, h, ok, only, post, refused, stock } from './allocation-app.js';

/**
 * Bad allocation input changes nothing; idempotency and the ledger; the bulk routes (extension): part
 * of allocation.test.ts, registered there in its order.
 */
export function describeBadInputIdempotencyAndBulk(): void {
  describe('bad input changes nothing', () => {
    const good = () => allocationBody('bad-1', 'bad', WEB, 1);
    it.each([
      [
        'an unknown group name',
        { groups: { channel: 'web', shelf: 'top' } },
        'unknown_allocation_group',
        '/groups/shelf',
      ],
      [
        'a level without the one above it',
        { groups: { channel: 'web', region: 'EU' } },
        'allocation_group_gap',
        '/groups',
      ],
      [
        'a group level name instead of a group name',
        { groups: { g0: 'web' } },
        'unknown_allocation_group',
        '/groups/g0',
      ],
      [
        'more levels than configured',
        { groups: { channel: 'a', customerGroup: 'b', region: 'c', orderType: 'd', fifth: 'e' } },
        'unknown_allocation_group',
        '/groups/fifth',
      ],
      ['no groups', { groups: {} }, 'missing_allocation_groups', '/groups'],
      ['groups left out', { groups: undefined }, 'missing_allocation_groups', '/groups'],
      [
        'an empty group value',
        { groups: { channel: ' ' } },
        'invalid_allocation_group_value',
        '/groups/channel',
      ],
      ['a group value that is not a string', { groups: { channel: 7 } }, 'invalid_type', '/groups/channel'],
      [
        'a too long group value',
        { groups: { channel: 'x'.repeat(257) } },
        'value_too_long',
        '/groups/channel',
      ],
      [
        'groups and targetGroups together',
        { targetGroups: { channel: 'web' } },
        'invalid_request',
        '/targetGroups',
      ],
      ['a zero quantity', { quantity: 0 }, 'invalid_quantity', '/quantity'],
      ['a negative quantity', { quantity: -1 }, 'invalid_quantity', '/quantity'],
      ['too many decimals', { quantity: 0.0000001 }, 'quantity_precision', '/quantity'],
      ['a huge quantity', { quantity: '1e20' }, 'quantity_out_of_range', '/quantity'],
      ['a quantity that is not a number', { quantity: 'ten' }, 'invalid_quantity', '/quantity'],
      ['a quantity left out', { quantity: undefined }, 'missing_field', '/quantity'],
      ['an unknown field', { colour: 'red' }, 'unknown_field', '/colour'],
      ['sourceGroups on allocate', { sourceGroups: WEB }, 'unknown_field', '/sourceGroups'],
      ['physicalMeasures on allocate', { physicalMeasures: {} }, 'unknown_field', '/physicalMeasures'],
      [
        'no location',
        { dimensions: { siteId: '1' } },
        'missing_partition_dimension',
        '/dimensions/locationid',
      ],
      [
        'an unknown dimension',
        { dimensions: { ...AT, shelf: '3' } },
        'unknown_dimension',
        '/dimensions/shelf',
      ],
      ['an empty id', { id: '' }, 'invalid_id', '/id'],
      ['a very long product id', { productId: 'p'.repeat(300) }, 'value_too_long', '/productId'],
      ['a control character', { productId: 'a\u0001b' }, 'invalid_id', '/productId'],
    ])('refuses %s', async (_name, change, code, field) => {
      await stock('bad', 10);
      const body: Record<string, unknown> = { ...good(), ...change };
      for (const [key, value] of Object.entries(change)) if (value === undefined) delete body[key];
      await refused('/allocation/allocate', body, 400, code, field);
      expect(await queryAllocations(h, 'test', 'bad')).toEqual([]);
    });

    it('refuses a reallocation without sourceGroups, and malformed JSON', async () => {
      await refused(
        '/allocation/reallocate',
        allocationBody('bad-2', 'bad', WEB, 1),
        400,
        'missing_field',
        '/sourceGroups',
      );
      const before = (await readLedger(h)).length;
      const res = await h.request('POST', `${ENV}/allocation/allocate`, undefined, {
        rawBody: '{"id": "x",',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('malformed_json');
      expect((await readLedger(h)).length).toBe(before);
    });
  });

  describe('idempotency and the ledger', () => {
    it('applies an event id once, answers a retry with the first outcome, and refuses the id with another body', async () => {
      await stock('id-1', 10);
      const body = allocationBody('i1-1', 'id-1', WEB, 4);
      await ok('/allocation/allocate', body);
      const retry = await allocate(body);
      expect(retry.statusCode).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      const conflict = await allocate({ ...body, quantity: 5 });
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json()).toMatchObject({ processingStatus: 'conflict', code: 'event_id_conflict' });
      // Each kind of write has its own event ids, as reserve and unreserve do.
      await ok('/allocation/unallocate', allocationBody('i1-1', 'id-1', WEB, 1));
      expect(only(await queryAllocations(h, 'test', 'id-1')).remaining).toBe(3);
    });

    it('records every accepted write with its exact changes, so a replay of the ledger equals the stored state', async () => {
      await stock('led-1', 20);
      await ok('/allocation/allocate', allocationBody('l1-1', 'led-1', WEB_VIP, 10));
      await ok('/allocation/reallocate', reallocateBody('l1-2', 'led-1', WEB_VIP, STORES, 4));
      await ok('/allocation/consume', allocationBody('l1-3', 'led-1', STORES, 1));
      await ok('/allocation/unallocate', allocationBody('l1-4', 'led-1', WEB_VIP, 1));
      const ledger = await expectStoreEqualsLedgerReplay(h, 'test');
      const kinds = ledger.filter((e) => e.eventId?.startsWith('l1-')).map((e) => e.kind);
      expect(kinds).toEqual([
        'allocation.allocate',
        'allocation.reallocate',
        'allocation.consume',
        'allocation.unallocate',
      ]);
      const reallocation = ledger.find((e) => e.eventId === 'l1-2')!;
      expect(reallocation.changes.map((c) => [c.dataSource, c.measure, c.dimensions, c.delta])).toEqual([
        ['@allocation', '@allocated', { '@g0': 'web', '@g1': 'VIP', locationid: '11', siteid: '1' }, -4],
        ['@allocation', '@allocated', { '@g0': 'stores', locationid: '11', siteid: '1' }, 4],
        ['@allocation', '@cumulative_allocated', { '@g0': 'stores', locationid: '11', siteid: '1' }, 4],
      ]);
    });
  });

  describe('bulk (extension)', () => {
    it('applies each item on its own, in order, and answers the spec buckets', async () => {
      await stock('bulk-1', 5);
      const res = await post('/allocation/allocate/bulk', [
        allocationBody('b1-1', 'bulk-1', WEB, 3),
        allocationBody('b1-2', 'bulk-1', STORES, 3),
        allocationBody('b1-3', 'bulk-1', { shelf: 'x' }, 1),
        allocationBody('b1-4', 'bulk-1', STORES, 2),
      ]);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.success.map((e: { id: string }) => e.id)).toEqual(['b1-1', 'b1-4']);
      expect(body.failure.map((e: { id: string; code: string }) => [e.id, e.code])).toEqual([
        ['b1-2', 'insufficient_available_to_allocate'],
        ['b1-3', 'unknown_allocation_group'],
      ]);
      expect(body.failure[1].details[0].path).toBe('/2/groups/shelf');
    });
  });
}
