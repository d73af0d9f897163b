import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import {
  AT,
  afrAt,
  expectStoreEqualsLedgerReplay,
  measureAt,
  ORG,
  type ReservationJson,
  reserveBody,
  reservedAt,
  stockBody,
  units,
} from '../support/reservation-helpers.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { ENV, type ExpectedError, expectError, readLedger } from './api-helpers.js';

/**
 * Soft reservations (spec §2.8, §5; issue 3) through the in-process app on a real SQLite database.
 * Time is a controllable clock: `advance` moves it, `sweep` runs the expiry sweep the server would run
 * on a timer. Every test works on its own product, so tests do not see each other's stock.
 */

let now = new Date('2026-01-01T00:00:00Z');
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ clock: () => now });
});
afterAll(() => h?.close());

/** Moves the clock; tokens live an hour of clock time, so the whole file stays well below that. */
const advance = (seconds: number) => {
  now = new Date(now.getTime() + seconds * 1000);
};
const sweep = () => h.services.engine.reservations.expireDue();

const post = (path: string, body: unknown, token?: string) =>
  h.request('POST', `${ENV}${path}`, body, token === undefined ? {} : { token });

let stocked = 0;
async function stock(productId: string, inbound: number, dimensions: Record<string, string> = AT) {
  const res = await post(
    '/onhand',
    stockBody(`stock-${productId}-${++stocked}`, productId, { inbound }, dimensions),
  );
  expect(res.statusCode, res.body).toBe(200);
}

async function reserve(id: string, productId: string, quantity: number, extra: Record<string, unknown> = {}) {
  const res = await post('/onhand/reserve', reserveBody(id, productId, quantity, extra));
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { reservationId: string; expiresAt?: string };
  expect(body.reservationId).toMatch(/\S/);
  return body;
}

const unreserveBody = (id: string, productId: string, reservationId: string, OffsetQty: unknown) => ({
  id,
  organizationId: ORG,
  productId,
  reservationId,
  OffsetQty,
});

async function reservation(reservationId: string, environment = 'test'): Promise<ReservationJson> {
  const res = await h.request('GET', `/api/environment/${environment}/onhand/reservations/${reservationId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ReservationJson;
}

/** What a rejected request could have changed: the length of the ledger and the product's stock. */
async function stateOf(productId: string) {
  const query = await h.request(
    'GET',
    `${ENV}/onhand?organizationId=${ORG}&productId=${productId}&siteId=1&locationId=11`,
  );
  return { ledger: (await readLedger(h)).length, stock: query.json() as unknown };
}

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
    const made = (bulk.json().success as { id: string; reservationId: string }[]).map((r) => r.reservationId);
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
    await post('/onhand/unreserve', unreserveBody('extend-late-u', 'extend-late', released.reservationId, 2));
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

describe('expiry across a restart of a real server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'onhand-expiry-'));
  const env = {
    ONHAND_DATA_DIR: dataDir,
    ONHAND_ADMIN_CLIENT_ID: 'ops',
    ONHAND_ADMIN_CLIENT_SECRET: 'ops-secret-for-the-expiry-test',
    ONHAND_ENVIRONMENTS: 'shop',
  };
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, token: string, body?: unknown) {
    const res = await fetch(`${server!.url}/api/environment/shop${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('a reservation that expired while the server was down is released by the start-up sweep', async () => {
    server = await startServerProcess(env);
    const tokenRes = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'ops',
        client_secret: env.ONHAND_ADMIN_CLIENT_SECRET,
      }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    expect((await call('POST', '/onhand', token, stockBody('s-1', 'cart', { inbound: 1 }))).status).toBe(200);
    const reserved = await call(
      'POST',
      '/onhand/reserve',
      token,
      reserveBody('r-1', 'cart', 1, { ttlSeconds: 3 }),
    );
    expect(reserved.status).toBe(200);
    const reservationId = reserved.body.reservationId as string;
    const expiresAt = Date.parse(reserved.body.expiresAt as string);
    expect(await server.stop()).toBe(0);
    // Stopped before the expiry: only the next process can release it.
    expect(Date.now()).toBeLessThan(expiresAt);
    server = undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 200));

    server = await startServerProcess(env);
    let found: Record<string, unknown> = {};
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      found = (await call('GET', `/onhand/reservations/${reservationId}`, token)).body;
      if (found.status !== 'open') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(found).toMatchObject({ status: 'expired', remaining: 0 });
    const rows = (
      await call('GET', '/onhand?organizationId=usmf&productId=cart&siteId=1&locationId=11', token)
    ).body as unknown as {
      quantities: { iv: { softreserved: number; availabletoreserve: number } };
    }[];
    expect(rows[0]?.quantities.iv).toMatchObject({ softreserved: 0, availabletoreserve: 1 });
  }, 90_000);
});

describe('configuration changes while reservations are open', () => {
  it('refuses to drop the reservation mapping of a measure that open reservations use', async () => {
    expect((await h.request('PUT', '/api/environment/guarded')).statusCode).toBe(201);
    const red = { ...AT, colorId: 'red' };
    const put = (path: string, body: unknown) => h.request('POST', `/api/environment/guarded${path}`, body);
    expect((await put('/onhand', stockBody('g-stock', 'guard', { inbound: 5 }, red))).statusCode).toBe(200);
    const made = await put('/onhand/reserve', reserveBody('g-r', 'guard', 2, { dimensions: red }));
    const { reservationId } = made.json() as { reservationId: string };
    const config = (await h.request('GET', '/api/environment/guarded/configuration')).json();
    config.inventorySystemConfigurations.iv.reservMappings = {};
    delete config.configurationVersion;
    const refused = await h.request('POST', '/api/environment/guarded/configuration/hardupdate', config);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('reservations_in_use');
    await put('/onhand/unreserve', {
      id: 'g-u',
      organizationId: ORG,
      productId: 'guard',
      reservationId,
      OffsetQty: 2,
    });
    const accepted = await h.request('POST', '/api/environment/guarded/configuration/hardupdate', config);
    expect(accepted.statusCode, accepted.body).toBe(200);
  });
});
