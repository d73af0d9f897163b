import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToFile } from '../../src/cli/export-command.js';
import { importFromFile } from '../../src/cli/import-command.js';
import {
  type AllocationRecordJson,
  allocatedAt,
  allocationBody,
  ataAt,
  queryAllocations,
  reallocateBody,
  STORES,
  WEB,
  WEB_VIP,
} from '../support/allocation-helpers.js';
import { type Harness, startHarness } from '../support/harness.js';
import {
  AT,
  afrAt,
  expectStoreEqualsLedgerReplay,
  measureAt,
  ORG,
  reserveBody,
  stockBody,
  units,
} from '../support/reservation-helpers.js';
import { ENV, readLedger } from './api-helpers.js';

/**
 * Allocation (spec §4, issue 5) through the in-process app: ring-fencing stock for group paths,
 * checked against the available-to-allocate pool; unallocate, reallocate and consume never take a
 * group below zero. Every test works on its own product.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const post = (path: string, body: unknown) => h.request('POST', `${ENV}${path}`, body);
const allocate = (body: unknown) => post('/allocation/allocate', body);

let stocked = 0;
async function stock(productId: string, inbound: number, dimensions: Record<string, string> = AT) {
  const res = await post(
    '/onhand',
    stockBody(`stock-${productId}-${++stocked}`, productId, { inbound }, dimensions),
  );
  expect(res.statusCode, res.body).toBe(200);
}

async function ok(path: string, body: Record<string, unknown>) {
  const res = await post(path, body);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toEqual({ id: body.id, processingStatus: 'success', message: '', statusCode: 200 });
  return res;
}

/** A refused write: processingStatus failure, the code, the path of the bad field, nothing changed. */
async function refused(path: string, body: unknown, status: number, code: string, field?: string) {
  const before = await readLedger(h);
  const res = await post(path, body);
  expect(res.statusCode, res.body).toBe(status);
  const json = res.json() as Record<string, unknown> & { details: { path: string }[] };
  expect(json.code, res.body).toBe(code);
  expect(typeof json.message).toBe('string');
  if (json.processingStatus !== undefined) {
    expect(json.processingStatus).toBe('failure');
    expect(json.statusCode).toBe(status);
  }
  if (field !== undefined) expect(json.details.map((d) => d.path)).toContain(field);
  expect((await readLedger(h)).length).toBe(before.length);
  return json;
}

const only = (records: AllocationRecordJson[]) => {
  expect(records).toHaveLength(1);
  return records[0]!;
};

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
    expect(records.map((r) => [r.groups, r.remaining, r.quantities['@iv']['@cumulative_allocated']])).toEqual(
      [
        [{ channel: 'stores' }, 10, 10],
        [{ channel: 'web', customerGroup: 'VIP' }, 20, 30],
      ],
    );
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
    ['a too long group value', { groups: { channel: 'x'.repeat(257) } }, 'value_too_long', '/groups/channel'],
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
    ['no location', { dimensions: { siteId: '1' } }, 'missing_partition_dimension', '/dimensions/locationid'],
    ['an unknown dimension', { dimensions: { ...AT, shelf: '3' } }, 'unknown_dimension', '/dimensions/shelf'],
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
    const res = await h.request('POST', `${ENV}/allocation/allocate`, undefined, { rawBody: '{"id": "x",' });
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

describe('configuration', () => {
  it('answers allocation_disabled while allocation is switched off', async () => {
    expect((await h.request('PUT', '/api/environment/noalloc')).statusCode).toBe(201);
    const config = (await h.request('GET', '/api/environment/noalloc/configuration')).json();
    config.allocationConfiguration.isEnabled = false;
    const update = await h.request('POST', '/api/environment/noalloc/configuration/hardupdate', config);
    expect(update.statusCode, update.body).toBe(200);
    for (const kind of ['allocate', 'unallocate', 'consume']) {
      const res = await h.request(
        'POST',
        `/api/environment/noalloc/allocation/${kind}`,
        allocationBody('n-1', 'n', WEB, 1),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('allocation_disabled');
    }
    const query = await h.request('POST', '/api/environment/noalloc/allocation/query', {
      organizationId: ORG,
      productId: 'n',
      dimensions: AT,
    });
    expect(query.json().code).toBe('allocation_disabled');
  });

  it('answers allocation_disabled when the pool formula does not subtract @iv.@allocated', async () => {
    expect((await h.request('PUT', '/api/environment/loose')).statusCode).toBe(201);
    const config = (await h.request('GET', '/api/environment/loose/configuration')).json();
    config.allocationConfiguration.availableToAllocateCalculation = { 'pos.inbound': 'addition' };
    expect(
      (await h.request('POST', '/api/environment/loose/configuration/hardupdate', config)).statusCode,
    ).toBe(200);
    const res = await h.request(
      'POST',
      '/api/environment/loose/allocation/allocate',
      allocationBody('l-1', 'l', WEB, 1),
    );
    expect(res.json().code).toBe('allocation_disabled');
  });

  it('refuses a data source named @allocation, which holds the group state', async () => {
    const config = (await h.request('GET', `${ENV}/configuration`)).json();
    config.inventorySystemConfigurations['@allocation'] = {
      dataSourceName: '@allocation',
      dimensionMappings: {},
      physicalMeasures: ['@allocated'],
      calculatedMeasures: {},
      reservMappings: {},
    };
    const res = await h.request('POST', `${ENV}/configuration/hardupdate`, config);
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain('is reserved');
  });
});

describe('access', () => {
  it('needs a token for the environment on every allocation route, and a supported Api-Version', async () => {
    const other = await h.tokenFor(['elsewhere']);
    for (const kind of ['allocate', 'unallocate', 'reallocate', 'consume', 'query']) {
      const url = `${ENV}/allocation/${kind}`;
      const body = allocationBody('acc-1', 'acc', WEB, 1);
      expect((await h.request('POST', url, body, { token: null })).statusCode).toBe(401);
      const forbidden = await h.request('POST', url, body, { token: other });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json().code).toBe('forbidden');
      const version = await h.request('POST', url, body, { headers: { 'api-version': '3.0' } });
      expect(version.statusCode).toBe(400);
      expect(version.json().code).toBe('invalid_request');
    }
    expect(await queryAllocations(h, 'test', 'acc')).toEqual([]);
  });

  it('lists the allocation routes in the OpenAPI document', async () => {
    const openapi = (await h.request('GET', '/openapi.json', undefined, { token: null })).json();
    const base = '/api/environment/{environmentId}/allocation';
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(
        ['allocate', 'unallocate', 'reallocate', 'consume']
          .flatMap((k) => [`${base}/${k}`, `${base}/${k}/bulk`])
          .concat(`${base}/query`),
      ),
    );
    expect(openapi.paths[`${base}/reallocate`].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ReallocateRequest',
    });
    expect(openapi.components.schemas.ReallocateRequest.required).toContain('sourceGroups');
  });
});

describe('allocation state moves with its partition', () => {
  it('is exported and imported with the environment, and answers the same afterwards', async () => {
    expect((await h.request('PUT', '/api/environment/moving')).statusCode).toBe(201);
    const put = (path: string, body: unknown) => h.request('POST', `/api/environment/moving${path}`, body);
    expect((await put('/onhand', stockBody('m-stock', 'mv', { inbound: 10 }))).statusCode).toBe(200);
    expect((await put('/allocation/allocate', allocationBody('m-1', 'mv', WEB_VIP, 6))).statusCode).toBe(200);
    expect((await put('/allocation/consume', allocationBody('m-2', 'mv', WEB_VIP, 1))).statusCode).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'onhand-allocation-move-'));
    try {
      await exportToFile(h.services.store, 'moving', join(dir, 'moving.ndjson'));
      await importFromFile(h.services.store, join(dir, 'moving.ndjson'), 'moved');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await queryAllocations(h, 'moved', 'mv')).toEqual(await queryAllocations(h, 'moving', 'mv'));
    expect(only(await queryAllocations(h, 'moved', 'mv'))).toMatchObject({ remaining: 5, consumed: 1 });
    await expectStoreEqualsLedgerReplay(h, 'moved');
    // A retry of an allocation made before the move is recognised.
    const retry = await h.request(
      'POST',
      '/api/environment/moved/allocation/allocate',
      allocationBody('m-1', 'mv', WEB_VIP, 6),
    );
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(only(await queryAllocations(h, 'moved', 'mv')).remaining).toBe(5);
  });

  it('is deleted by the clean-up of its partition, which the ledger records', async () => {
    expect((await h.request('PUT', '/api/environment/cleaned')).statusCode).toBe(201);
    const put = (path: string, body: unknown) => h.request('POST', `/api/environment/cleaned${path}`, body);
    expect((await put('/onhand', stockBody('cl-stock', 'cl', { inbound: 10 }))).statusCode).toBe(200);
    expect((await put('/allocation/allocate', allocationBody('cl-1', 'cl', WEB, 4))).statusCode).toBe(200);
    const res = await h.request('DELETE', '/api/environment/cleaned/partitions/cleanupalldata', [
      'usmf~1~11',
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(await queryAllocations(h, 'cleaned', 'cl')).toEqual([]);
    await expectStoreEqualsLedgerReplay(h, 'cleaned');
    expect((await put('/allocation/allocate', allocationBody('cl-2', 'cl', WEB, 1))).json().code).toBe(
      'insufficient_available_to_allocate',
    );
  });
});
