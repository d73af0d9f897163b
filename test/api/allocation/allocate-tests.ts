import { describe, expect, it } from 'vitest';
import {
  allocatedAt,
  allocationBody,
  ataAt,
  queryAllocations,
  reallocateBody,
  STORES,
  WEB,
  WEB_VIP,
} from '../../support/allocation-helpers.js';
import { AT, afrAt, ORG, reserveBody, units } from '../../support/reservation-helpers.js';
import { ENV } from '../api-helpers.js';
import { allocate, h, ok, only, post, refused, stock } from './allocation-app.js';

/**
 * Allocate, unallocate and reallocate (spec §4): part of allocation.test.ts, registered there in its
 * order on its app.
 */
export function describeAllocateAndMove(): void {
  describe('allocate', () => {
    it('ring-fences stock for a group path: @iv.@allocated rises and available to allocate falls', async () => {
      await stock('alloc-1', 100);
      await ok('/allocation/allocate', allocationBody('a1-1', 'alloc-1', WEB_VIP, 30));
      expect(await allocatedAt(h, 'test', 'alloc-1')).toBe(units(30));
      expect(await ataAt(h, 'test', 'alloc-1')).toBe(units(70));
      const record = only(await queryAllocations(h, 'test', 'alloc-1', WEB_VIP));
      expect(record).toEqual({
        organizationId: ORG,
        productId: 'alloc-1',
        dimensions: { locationid: '11', siteid: '1' },
        groups: { channel: 'web', customerGroup: 'VIP' },
        quantities: {
          '@iv': { '@allocated': 30, '@consumed': 0, '@cumulative_allocated': 30, '@cumulative_consumed': 0 },
        },
        allocated: 30,
        consumed: 0,
        remaining: 30,
      });
      const row = (
        await h.request('GET', `${ENV}/onhand?organizationId=usmf&productId=alloc-1&siteId=1&locationId=11`)
      ).json();
      expect(row[0].quantities['@iv']).toEqual({
        '@allocated': 30,
        '@cumulative_allocated': 30,
        '@available_to_allocate': 70,
      });
    });

    it('allocates exactly what is available, and refuses one unit more with nothing changed', async () => {
      await stock('alloc-2', 10);
      await ok('/allocation/allocate', allocationBody('a2-1', 'alloc-2', WEB, 6));
      const json = await refused(
        '/allocation/allocate',
        allocationBody('a2-2', 'alloc-2', STORES, 4.000001),
        409,
        'insufficient_available_to_allocate',
        '/quantity',
      );
      expect(json.message).toContain('Only 4 available to allocate');
      await ok('/allocation/allocate', allocationBody('a2-3', 'alloc-2', STORES, 4));
      await refused(
        '/allocation/allocate',
        allocationBody('a2-4', 'alloc-2', STORES, 0.5),
        409,
        'insufficient_available_to_allocate',
      );
      expect(await ataAt(h, 'test', 'alloc-2')).toBe(0n);
    });

    it('refuses to allocate a product without stock (the pool must be positive)', async () => {
      await refused(
        '/allocation/allocate',
        allocationBody('a3-1', 'alloc-empty', WEB, 1),
        409,
        'insufficient_available_to_allocate',
      );
    });

    it('draws every allocation from the pool, a sub-group too (moving into a sub-group is reallocate)', async () => {
      await stock('alloc-4', 10);
      await ok('/allocation/allocate', allocationBody('a4-1', 'alloc-4', WEB, 6));
      await ok('/allocation/allocate', allocationBody('a4-2', 'alloc-4', WEB_VIP, 4));
      expect(await ataAt(h, 'test', 'alloc-4')).toBe(0n);
      const records = await queryAllocations(h, 'test', 'alloc-4', WEB);
      expect(records.map((r) => [r.groups, r.remaining])).toEqual([
        [{ channel: 'web' }, 6],
        [{ channel: 'web', customerGroup: 'VIP' }, 4],
      ]);
    });

    it('keeps ring-fenced stock from soft reservations of other channels', async () => {
      await stock('alloc-5', 10);
      await ok('/allocation/allocate', allocationBody('a5-1', 'alloc-5', WEB, 8));
      expect(await afrAt(h, 'test', 'alloc-5')).toBe(units(2));
      expect((await post('/onhand/reserve', reserveBody('a5-r1', 'alloc-5', 3))).statusCode).toBe(409);
      expect((await post('/onhand/reserve', reserveBody('a5-r2', 'alloc-5', 2))).statusCode).toBe(200);
      // …and reservations count against the pool of later allocations.
      await refused(
        '/allocation/allocate',
        allocationBody('a5-2', 'alloc-5', STORES, 1),
        409,
        'insufficient_available_to_allocate',
      );
    });

    it('checks the pool at coarser levels too: an allocation by colour cannot take stock allocated by location', async () => {
      const red = { ...AT, colorId: 'red' };
      await stock('alloc-6', 10, red);
      await ok('/allocation/allocate', allocationBody('a6-1', 'alloc-6', WEB, 7));
      await refused(
        '/allocation/allocate',
        allocationBody('a6-2', 'alloc-6', STORES, 4, { dimensions: red }),
        409,
        'insufficient_available_to_allocate',
      );
      await ok('/allocation/allocate', allocationBody('a6-3', 'alloc-6', STORES, 3, { dimensions: red }));
      expect(await ataAt(h, 'test', 'alloc-6')).toBe(0n);
    });

    it('accepts targetGroups, the 2022 name of groups, and treats a retry with either name as the same request', async () => {
      await stock('alloc-7', 10);
      const { groups, ...rest } = allocationBody('a7-1', 'alloc-7', WEB, 2);
      await ok('/allocation/allocate', { ...rest, targetGroups: groups });
      const retry = await allocate(allocationBody('a7-1', 'alloc-7', WEB, 2));
      expect(retry.statusCode).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(only(await queryAllocations(h, 'test', 'alloc-7')).remaining).toBe(2);
    });

    it('matches group names case-insensitively and keeps group values as sent', async () => {
      await stock('alloc-8', 10);
      await ok(
        '/allocation/allocate',
        allocationBody('a8-1', 'alloc-8', { CHANNEL: 'Web', customergroup: 'ünïcødé 🛒' }, 1),
      );
      expect(only(await queryAllocations(h, 'test', 'alloc-8')).groups).toEqual({
        channel: 'Web',
        customerGroup: 'ünïcødé 🛒',
      });
    });
  });

  describe('unallocate', () => {
    it('gives stock back to the pool, keeps the cumulative counter, and never goes below zero', async () => {
      await stock('un-1', 10);
      await ok('/allocation/allocate', allocationBody('u1-1', 'un-1', WEB, 5));
      await ok('/allocation/unallocate', allocationBody('u1-2', 'un-1', WEB, 2));
      expect(await ataAt(h, 'test', 'un-1')).toBe(units(7));
      await refused(
        '/allocation/unallocate',
        allocationBody('u1-3', 'un-1', WEB, 3.5),
        409,
        'insufficient_allocation',
        '/quantity',
      );
      await refused(
        '/allocation/unallocate',
        allocationBody('u1-4', 'un-1', STORES, 1),
        409,
        'insufficient_allocation',
      );
      const record = only(await queryAllocations(h, 'test', 'un-1'));
      expect(record.quantities['@iv']).toMatchObject({ '@allocated': 3, '@cumulative_allocated': 5 });
      expect(record).toMatchObject({ allocated: 3, consumed: 0, remaining: 3 });
    });
  });

  describe('reallocate', () => {
    it('moves quantity between groups atomically and leaves the pool as it was', async () => {
      await stock('re-1', 40);
      await ok('/allocation/allocate', allocationBody('r1-1', 're-1', WEB_VIP, 30));
      await ok('/allocation/reallocate', reallocateBody('r1-2', 're-1', WEB_VIP, STORES, 10));
      expect(await ataAt(h, 'test', 're-1')).toBe(units(10));
      expect(await allocatedAt(h, 'test', 're-1')).toBe(units(30));
      const records = await queryAllocations(h, 'test', 're-1');
      expect(
        records.map((r) => [r.groups, r.remaining, r.quantities['@iv']['@cumulative_allocated']]),
      ).toEqual([
        [{ channel: 'stores' }, 10, 10],
        [{ channel: 'web', customerGroup: 'VIP' }, 20, 30],
      ]);
    });

    it('refuses to take more than the source group holds, with nothing changed', async () => {
      await stock('re-2', 40);
      await ok('/allocation/allocate', allocationBody('r2-1', 're-2', WEB, 5));
      await refused(
        '/allocation/reallocate',
        reallocateBody('r2-2', 're-2', WEB, STORES, 6),
        409,
        'insufficient_allocation',
        '/sourceGroups',
      );
      await refused(
        '/allocation/reallocate',
        reallocateBody('r2-3', 're-2', STORES, WEB, 1),
        409,
        'insufficient_allocation',
      );
      expect(only(await queryAllocations(h, 'test', 're-2')).remaining).toBe(5);
    });

    it('moves into a sub-group, and accepts sourceGroups with targetGroups (the 2022 names)', async () => {
      await stock('re-3', 10);
      await ok('/allocation/allocate', allocationBody('r3-1', 're-3', WEB_VIP, 6));
      const { groups: _g, ...rest } = reallocateBody('r3-2', 're-3', WEB_VIP, {}, 2);
      await ok('/allocation/reallocate', { ...rest, targetGroups: { ...WEB_VIP, region: 'EU' } });
      expect((await queryAllocations(h, 'test', 're-3', WEB_VIP)).map((r) => r.remaining)).toEqual([4, 2]);
    });

    it('refuses the same group as source and target', async () => {
      await refused(
        '/allocation/reallocate',
        reallocateBody('r4-1', 're-4', WEB, { Channel: 'web' }, 1),
        400,
        'reallocate_same_group',
      );
    });
  });
}
